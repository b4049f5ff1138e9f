import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FALLBACK_TEXT, startSimServer, type SimServerHandle } from '../src/index.ts';
import { client, testPolicies, weatherTool } from './helpers.ts';

let sim: SimServerHandle;

beforeAll(async () => {
  sim = await startSimServer({ policies: testPolicies });
});
afterAll(async () => {
  await sim.close();
});

describe('sim server with the official openai client', () => {
  it('answers a plain completion through the matching policy, with usage', async () => {
    const res = await client(sim.url).chat.completions.create({ model: 'sim', messages: [{ role: 'user', content: 'echo: hello Kyoto' }] });
    expect(res.choices[0]?.message.content).toBe('You said: hello Kyoto');
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
    expect(res.model).toBe('sim');
  });

  it('gives the same answer to the same request', async () => {
    const body = { model: 'sim', messages: [{ role: 'user' as const, content: 'echo: again' }] };
    const a = await client(sim.url).chat.completions.create(body);
    const b = await client(sim.url).chat.completions.create(body);
    expect(b).toEqual(a);
  });

  it('reads array-of-parts content as text', async () => {
    const res = await client(sim.url).chat.completions.create({
      model: 'sim',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'echo: from parts' }] }],
    });
    expect(res.choices[0]?.message.content).toBe('You said: from parts');
  });

  it('returns a tool call with finish_reason tool_calls, then uses the tool result', async () => {
    const openai = client(sim.url);
    const first = await openai.chat.completions.create({
      model: 'sim',
      messages: [{ role: 'user', content: 'How is the weather in Kyoto?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.id).toBe('call_1');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Kyoto', unit: 'celsius' });

    const second = await openai.chat.completions.create({
      model: 'sim',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'How is the weather in Kyoto?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('The weather report says: sunny, 21C');
  });

  it('numbers new tool call ids after those already in the conversation', async () => {
    const res = await client(sim.url).chat.completions.create({
      model: 'sim',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'other', arguments: '{}' } }] },
        { role: 'user', content: 'and now?' },
      ],
    });
    // The weather policy answers from the tool message only; here there is none, so it calls again.
    expect(res.choices[0]?.message.tool_calls?.[0]?.id).toBe('call_2');
  });

  it('answers a json_schema response format with the JSON text, parsed by the client', async () => {
    const res = await client(sim.url).chat.completions.parse({
      model: 'sim',
      messages: [{ role: 'user', content: 'plan a trip' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'trip', strict: true, schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    });
    expect(res.choices[0]?.message.parsed).toEqual({ city: 'Kyoto', days: 2, note: 'plan a trip' });
  });

  it('falls back to a simulated-model text when no policy matches', async () => {
    const res = await client(sim.url).chat.completions.create({ model: 'sim', messages: [{ role: 'user', content: 'something else' }] });
    expect(res.choices[0]?.message.content).toBe(FALLBACK_TEXT);
    expect(FALLBACK_TEXT).toMatch(/simulated model/);
  });

  it('falls back to calling the first tool with {} when tool_choice is required', async () => {
    const bare = await startSimServer({ policies: [] });
    try {
      const res = await client(bare.url).chat.completions.create({
        model: 'sim',
        messages: [{ role: 'user', content: 'something else' }],
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }, weatherTool],
        tool_choice: 'required',
      });
      const call = res.choices[0]?.message.tool_calls?.[0];
      expect(call?.type === 'function' ? [call.function.name, call.function.arguments] : undefined).toEqual(['lookup', '{}']);
      expect(res.choices[0]?.finish_reason).toBe('tool_calls');
      expect(bare.stats().byPolicy).toEqual({ fallback: 1 });
    } finally {
      await bare.close();
    }
  });

  it('streams text deltas and a final usage chunk', async () => {
    const stream = await client(sim.url).chat.completions.create({
      model: 'sim',
      messages: [{ role: 'user', content: 'echo: a long enough sentence to need several chunks' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let deltas = 0;
    let finish: string | null | undefined;
    let usage: { total_tokens: number } | null | undefined;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) {
        text += c.delta.content;
        deltas += 1;
      }
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('You said: a long enough sentence to need several chunks');
    expect(deltas).toBeGreaterThan(1);
    expect(finish).toBe('stop');
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams tool-call deltas that assemble into the call', async () => {
    const stream = client(sim.url).chat.completions.stream({
      model: 'sim',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weatherTool],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.id).toBe('call_1');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Kyoto', unit: 'celsius' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('lists sim models and answers health checks', async () => {
    const models = await client(sim.url).models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain('sim');
    expect(ids.every((id) => id === 'sim' || id.startsWith('sim-'))).toBe(true);
    const health = await fetch(sim.url.replace(/\/v1$/, '/healthz'));
    expect(health.status).toBe(200);
  });

  it('counts requests per policy in stats', async () => {
    const own = await startSimServer({ policies: testPolicies });
    try {
      await client(own.url).chat.completions.create({ model: 'sim', messages: [{ role: 'user', content: 'echo: 1' }] });
      await client(own.url).chat.completions.create({ model: 'sim', messages: [{ role: 'user', content: 'nothing' }] });
      expect(own.stats()).toEqual({ requests: 2, byPolicy: { echo: 1, fallback: 1 }, faults: {} });
    } finally {
      await own.close();
    }
  });
});

describe('sim server request validation', () => {
  async function post(body: string): Promise<{ status: number; json: { error?: { message: string; type: string; param: string | null; code: unknown } } }> {
    const res = await fetch(`${sim.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, json: (await res.json()) as never };
  }

  it('rejects a message with an unknown role with an OpenAI-style 400 naming the field', async () => {
    const res = await post(JSON.stringify({ model: 'sim', messages: [{ role: 'robot', content: 'hi' }] }));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param: 'messages[0].role' });
    expect(res.json.error?.message).toMatch(/role/);
  });

  it('rejects missing messages, a bad tool_choice and a json_schema without a name', async () => {
    expect((await post(JSON.stringify({ model: 'sim' }))).json.error?.param).toBe('messages');
    const badChoice = await post(JSON.stringify({ model: 'sim', messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' }));
    expect([badChoice.status, badChoice.json.error?.param]).toEqual([400, 'tool_choice']);
    const noName = await post(JSON.stringify({ model: 'sim', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: {} } }));
    expect([noName.status, noName.json.error?.param]).toEqual([400, 'response_format.json_schema.name']);
  });

  it('rejects a body that is not JSON with a 400 in the same error shape', async () => {
    const res = await post('{"model":');
    expect(res.status).toBe(400);
    expect(res.json.error?.type).toBe('invalid_request_error');
  });

  it('makes the openai client throw a BadRequestError for a bad body', async () => {
    await expect(
      client(sim.url).chat.completions.create({ model: 'sim', messages: [{ role: 'tool', content: 'no id' } as never] }),
    ).rejects.toMatchObject({ status: 400, param: 'messages[0].tool_call_id' });
  });
});
