import { APIConnectionTimeoutError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimOptionsError, startSimServer, type FaultKind, type SimServerHandle } from '../src/index.ts';
import { client, testPolicies, weatherTool } from './helpers.ts';

let sim: SimServerHandle;

beforeAll(async () => {
  sim = await startSimServer({ policies: testPolicies });
});
afterAll(async () => {
  await sim.close();
});

const echo = { model: 'sim', messages: [{ role: 'user' as const, content: 'echo: hi' }] };
const weather = { model: 'sim', messages: [{ role: 'user' as const, content: 'weather?' }], tools: [weatherTool] };

function withFault(fault: string) {
  return { headers: { 'x-sim-fault': fault } };
}

describe('sim fault injection by header', () => {
  it('rate_limit answers 429 with a Retry-After header in seconds', async () => {
    const err = await client(sim.url).chat.completions.create(echo, withFault('rate_limit;retry-after=7')).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((err as { headers: Headers }).headers.get('retry-after')).toBe('7');
  });

  it('rate_limit with retry-after=none answers 429 without the header', async () => {
    const err = await client(sim.url).chat.completions.create(echo, withFault('rate_limit;retry-after=none')).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429 });
    expect((err as { headers: Headers }).headers.get('retry-after')).toBeNull();
  });

  it('server_error answers 500', async () => {
    await expect(client(sim.url).chat.completions.create(echo, withFault('server_error'))).rejects.toMatchObject({ status: 500 });
  });

  it('hang never answers, so a client with a 300 ms timeout fails', async () => {
    const before = sim.stats().faults.hang ?? 0;
    const err = await client(sim.url, { timeout: 300 }).chat.completions.create(echo, withFault('hang')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(sim.stats().faults.hang).toBe(before + 1);
  });

  it('close() ends a request that is still hanging', async () => {
    const own = await startSimServer({ policies: testPolicies });
    const pending = client(own.url).chat.completions.create(echo, withFault('hang')).then(
      () => 'answered',
      () => 'dropped',
    );
    while ((own.stats().faults.hang ?? 0) === 0) await new Promise((r) => setTimeout(r, 10));
    await own.close();
    expect(await pending).toBe('dropped');
  });

  it('malformed_json answers 200 with a body the client cannot parse', async () => {
    const res = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sim-fault': 'malformed_json' },
      body: JSON.stringify(echo),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    await expect(client(sim.url).chat.completions.create(echo, withFault('malformed_json'))).rejects.toThrow();
  });

  it('malformed_json breaks a stream mid-way', async () => {
    const consume = async () => {
      const stream = await client(sim.url).chat.completions.create({ ...echo, stream: true }, withFault('malformed_json'));
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow();
  });

  it('bad_tool_args keeps the policy tool call but with arguments that are not JSON', async () => {
    const res = await client(sim.url).chat.completions.create(weather, withFault('bad_tool_args'));
    const call = res.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.function.name).toBe('get_weather');
    expect(() => JSON.parse(call.function.arguments)).toThrow();
  });

  it('unknown_tool calls a tool name that is not among the offered tools', async () => {
    const res = await client(sim.url).chat.completions.create(weather, withFault('unknown_tool'));
    const call = res.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.function.name).not.toBe('get_weather');
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('latency delays the answer by at least the given ms and then answers normally', async () => {
    const started = performance.now();
    const res = await client(sim.url).chat.completions.create(echo, withFault('latency;ms=150'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.choices[0]?.message.content).toBe('You said: hi');
  });

  it('rejects an unknown fault kind with a 400', async () => {
    await expect(client(sim.url).chat.completions.create(echo, withFault('meteor'))).rejects.toMatchObject({ status: 400, param: 'x-sim-fault' });
  });

  it('counts every injected fault by kind', async () => {
    const own = await startSimServer({ policies: testPolicies });
    try {
      await client(own.url).chat.completions.create(echo, withFault('server_error')).catch(() => undefined);
      await client(own.url).chat.completions.create(echo, withFault('server_error')).catch(() => undefined);
      await client(own.url).chat.completions.create(weather, withFault('unknown_tool'));
      expect(own.stats().faults).toEqual({ server_error: 2, unknown_tool: 1 });
      expect(own.stats().requests).toBe(3);
    } finally {
      await own.close();
    }
  });
});

describe('sim fault injection by marker, script and rate', () => {
  it('applies a [[sim-fault:...]] marker in the last user message', async () => {
    const marked = { model: 'sim', messages: [{ role: 'user' as const, content: 'echo: book it [[sim-fault:server_error]]' }] };
    await expect(client(sim.url).chat.completions.create(marked)).rejects.toMatchObject({ status: 500 });
  });

  it('applies a marker in the system message too, and stops after times=N', async () => {
    const marked = {
      model: 'sim',
      messages: [
        { role: 'system' as const, content: 'mission m-1 [[sim-fault:rate_limit;retry-after=2;times=1]]' },
        { role: 'user' as const, content: 'echo: go' },
      ],
    };
    await expect(client(sim.url).chat.completions.create(marked)).rejects.toMatchObject({ status: 429 });
    const second = await client(sim.url).chat.completions.create(marked);
    expect(second.choices[0]?.message.content).toBe('You said: go');
  });

  it('applies scripted faults to the first requests in order', async () => {
    const own = await startSimServer({ policies: testPolicies, faults: { script: ['rate_limit;retry-after=1', 'server_error'] } });
    try {
      const openai = client(own.url);
      await expect(openai.chat.completions.create(echo)).rejects.toMatchObject({ status: 429 });
      await expect(openai.chat.completions.create(echo)).rejects.toMatchObject({ status: 500 });
      const third = await openai.chat.completions.create(echo);
      expect(third.choices[0]?.message.content).toBe('You said: hi');
    } finally {
      await own.close();
    }
  });

  it('with rate 1 faults every request with a kind from the list', async () => {
    const own = await startSimServer({ policies: testPolicies, faults: { rate: 1, kinds: ['server_error'] } });
    try {
      for (let i = 0; i < 3; i++) await expect(client(own.url).chat.completions.create(echo)).rejects.toMatchObject({ status: 500 });
      expect(own.stats().faults).toEqual({ server_error: 3 });
    } finally {
      await own.close();
    }
  });

  it('chooses the same faults for the same seed', async () => {
    const run = async (seed: number) => {
      const own = await startSimServer({ policies: testPolicies, faults: { rate: 0.5, kinds: ['server_error', 'rate_limit'], seed } });
      try {
        const outcomes: Array<number | string> = [];
        for (let i = 0; i < 12; i++) {
          const r = await client(own.url).chat.completions.create(echo).then(
            () => 'ok',
            (e: { status?: number }) => e.status ?? -1,
          );
          outcomes.push(r);
        }
        return outcomes;
      } finally {
        await own.close();
      }
    };
    const a = await run(42);
    expect(await run(42)).toEqual(a);
    expect(a).toContain('ok');
    expect(a.some((o) => o !== 'ok')).toBe(true);
  });

  it('rejects invalid fault options before listening', async () => {
    await expect(startSimServer({ faults: { rate: 2 } })).rejects.toBeInstanceOf(SimOptionsError);
    await expect(startSimServer({ faults: { rate: 0.1, kinds: ['meteor' as FaultKind] } })).rejects.toMatchObject({ code: 'sim_options' });
    await expect(startSimServer({ faults: { script: ['nope' as FaultKind] } })).rejects.toThrow(/script\[0\]/);
  });
});
