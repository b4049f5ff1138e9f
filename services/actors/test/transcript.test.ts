import { describe, expect, it } from 'vitest';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { BEGIN, NUDGE, readSteps, rebuildMessages, storeAi } from '../src/index.ts';

describe('transcript', () => {
  it('stores calls in the model\'s order, keeping invalid ones with their raw arguments', () => {
    const msg = new AIMessage({
      content: 'thinking',
      tool_calls: [{ id: 'c2', name: 'search', args: { q: 'x' }, type: 'tool_call' }],
      invalid_tool_calls: [{ id: 'c1', name: 'update_progress', args: '{"status": "a', error: 'bad json', type: 'invalid_tool_call' }],
      additional_kwargs: { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'update_progress', arguments: '{"status": "a' } }, { id: 'c2', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }] },
    });
    expect(storeAi(msg, 3)).toEqual({
      content: 'thinking',
      tool_calls: [
        { id: 'c1', name: 'update_progress', args: {}, invalidArgs: '{"status": "a', invalidReason: 'bad json' },
        { id: 'c2', name: 'search', args: { q: 'x' } },
      ],
    });
  });

  it('rebuilds the conversation from checkpointed steps, nudging after a step without tool calls', () => {
    const steps = readSteps([
      { step: 1, ai: { content: 'no tools', tool_calls: [] }, results: [] },
      { step: 0, ai: { content: '', tool_calls: [{ id: 'c1', name: 'search', args: { q: 'x' } }] }, results: [{ toolCallId: 'c1', name: 'search', observation: '[1]' }] },
      { garbage: true },
    ]);
    const messages = rebuildMessages('system prompt', steps);
    expect(messages.map((m) => m.constructor.name)).toEqual([SystemMessage.name, HumanMessage.name, AIMessage.name, ToolMessage.name, AIMessage.name, HumanMessage.name]);
    expect(messages[1]?.content).toBe(BEGIN);
    expect((messages[2] as AIMessage).tool_calls?.[0]).toMatchObject({ id: 'c1', name: 'search', args: { q: 'x' } });
    expect((messages[3] as ToolMessage).tool_call_id).toBe('c1');
    expect(messages[5]?.content).toBe(NUDGE);
  });
});
