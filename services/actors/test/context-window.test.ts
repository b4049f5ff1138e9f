import { describe, expect, it } from 'vitest';
import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { stripReasoning as stripThink } from '@aime/models';
import { canonicalToolName, contextMessages, storeAi, type StepEntry } from '../src/index.ts';

function step(n: number, observationChars: number): StepEntry {
  const id = `call_${n}`;
  return { step: n, ai: { content: `step ${n}`, tool_calls: [{ id, name: 'lookup', args: { q: n } }] }, results: [{ toolCallId: id, name: 'lookup', observation: `r${n} ${'x'.repeat(observationChars)}` }] };
}

/** Every assistant tool call is followed by one tool message per call, in order. */
function pairsValid(messages: BaseMessage[]): boolean {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m instanceof ToolMessage) return false;
    if (!(m instanceof AIMessage) || !m.tool_calls?.length) continue;
    for (const [k, c] of m.tool_calls.entries()) {
      const answer = messages[i + 1 + k];
      if (!(answer instanceof ToolMessage) || answer.tool_call_id !== c.id) return false;
    }
    i += m.tool_calls.length;
  }
  return true;
}

const chars = (ms: BaseMessage[]): number => ms.slice(2).reduce((n, m) => n + String(m.content).length + (m instanceof AIMessage ? JSON.stringify(m.tool_calls ?? []).length : 0), 0);

describe('contextMessages', () => {
  it('sends the whole history while it fits the budget', () => {
    const entries = [0, 1, 2].map((n) => step(n, 100));
    const w = contextMessages('sys', entries, 1_000);
    expect(w.messages).toHaveLength(2 + 3 * 2);
    expect(w.elided).toEqual([]);
  });

  it('keeps the first and latest steps whole, shortens or drops the ones between, and stays under budget', () => {
    const entries = Array.from({ length: 30 }, (_, n) => step(n, 2_000));
    const w = contextMessages('sys', entries, 2_000);
    expect(pairsValid(w.messages)).toBe(true);
    expect(chars(w.messages) / 4).toBeLessThanOrEqual(2_000);
    const tools = w.messages.filter((m): m is ToolMessage => m instanceof ToolMessage).map((m) => String(m.content));
    expect(tools[0]).toMatch(/^r0 x{2000}$/);
    expect(tools.at(-1)).toMatch(/^r29 x{2000}$/);
    expect(w.elided.length).toBeGreaterThan(0);
    expect(w.dropped[0]).toBe(1);
    expect([...w.dropped, ...w.elided]).toEqual(Array.from({ length: w.dropped.length + w.elided.length }, (_, i) => i + 1));
    // The steps themselves are not changed.
    expect(entries[5]!.results[0]!.observation).toHaveLength(2_003);
  });

  it('keeps the last step whole even when it alone is over the budget', () => {
    const entries = [0, 1, 2, 3].map((n) => step(n, 10_000));
    const w = contextMessages('sys', entries, 1_000);
    expect(pairsValid(w.messages)).toBe(true);
    expect(String(w.messages.at(-1)!.content)).toHaveLength(10_003);
  });
});

describe('stripThink', () => {
  it('removes reasoning blocks, a dangling closing tag and an unclosed block', () => {
    expect(stripThink('<think>a\nb</think>\nAnswer.')).toBe('Answer.');
    expect(stripThink('One <thinking>x</thinking>two')).toBe('One two');
    expect(stripThink('reasoning without an opening tag</think>Answer.')).toBe('Answer.');
    expect(stripThink('Answer. <think>cut off mid-')).toBe('Answer.');
    expect(stripThink('plain')).toBe('plain');
  });
});

describe('storeAi', () => {
  it('renames a call id already used by an earlier step, so each tool message answers one call', () => {
    const msg = new AIMessage({ content: '<think>hm</think>ok', tool_calls: [{ id: 'call_1', name: 'lookup', args: {} }, { id: 'call_2', name: 'lookup', args: {} }] });
    const ai = storeAi(msg, 4, new Set(['call_1']));
    expect(ai.content).toBe('ok');
    expect(ai.tool_calls.map((c) => c.id)).toEqual(['call_1_s4c0', 'call_2']);
  });

  it('repairs complete arguments with a small slip, but hands back arguments that were cut short', () => {
    const msg = new AIMessage({
      content: '',
      tool_calls: [],
      invalid_tool_calls: [
        { id: 'c1', name: 'search_trains', args: '{"from": "Tokyo", "to": "Kyoto",}', error: 'bad json', type: 'invalid_tool_call' },
        { id: 'c2', name: 'book_train', args: '{"trainId": "NOZOMI-09', error: 'bad json', type: 'invalid_tool_call' },
      ],
    });
    const ai = storeAi(msg, 0);
    expect(ai.tool_calls[0]).toEqual({ id: 'c1', name: 'search_trains', args: { from: 'Tokyo', to: 'Kyoto' } });
    expect(ai.tool_calls[1]).toMatchObject({ id: 'c2', name: 'book_train', args: {}, invalidArgs: '{"trainId": "NOZOMI-09' });
  });
});

describe('canonicalToolName', () => {
  it('maps the names chat templates make models write to the real tool, and nothing ambiguous', () => {
    const known = ['search_trains', 'submit_report', 'Lookup', 'lookup'];
    expect(canonicalToolName('functions.search_trains', known)).toBe('search_trains');
    expect(canonicalToolName('default_api.submit_report', known)).toBe('submit_report');
    expect(canonicalToolName('SEARCH_TRAINS', known)).toBe('search_trains');
    expect(canonicalToolName('LOOKUP', known)).toBe('LOOKUP');
    expect(canonicalToolName('book_train', known)).toBe('book_train');
  });
});
