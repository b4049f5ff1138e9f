import { startSimServer, type SimPolicy, type SimRequest, type SimServerHandle } from '@aime/sim';
import { Report } from '@aime/protocol';
import { HumanMessage, type AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatModel, createUsageCallback, modelsConfigFromEnv, usageFromMessage, type ModelsConfig, type UsageRecord } from '../src/index.ts';

function lastUser(req: SimRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

const policies: SimPolicy[] = [
  {
    name: 'report',
    matches: (req) => req.response_format?.type === 'json_schema',
    answer: () => ({ content: JSON.stringify({ status: 'succeeded', summary: 'Booked the 10:00 Nozomi.', artifacts: [], references: ['train:N10'] }) }),
  },
  {
    name: 'booker',
    matches: (req) => req.tools?.some((t) => t.function.name === 'book_train') ?? false,
    answer: () => ({ toolCalls: [{ name: 'book_train', arguments: { from: 'Tokyo', to: 'Kyoto', time: '10:00' } }] }),
  },
  {
    name: 'echo',
    matches: () => true,
    answer: (req) => ({ content: `echo: ${lastUser(req)}` }),
  },
];

const bookTrain = tool(async () => 'booked', {
  name: 'book_train',
  description: 'Book a train seat',
  schema: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, time: { type: 'string' } }, required: ['from', 'to'] },
});

/** A fresh sim per test where the request count matters. */
async function withSim<T>(opts: Parameters<typeof startSimServer>[0], fn: (sim: SimServerHandle, cfg: ModelsConfig) => Promise<T>): Promise<T> {
  const sim = await startSimServer({ policies, ...opts });
  try {
    return await fn(sim, modelsConfigFromEnv({ AIME_SIM_URL: sim.url }));
  } finally {
    await sim.close();
  }
}

let shared: SimServerHandle;
let cfg: ModelsConfig;

beforeAll(async () => {
  shared = await startSimServer({ policies });
  cfg = modelsConfigFromEnv({ AIME_SIM_URL: shared.url });
});
afterAll(async () => {
  await shared.close();
});

describe('createChatModel against the sim server', () => {
  it('answers through the sim over HTTP', async () => {
    const model = createChatModel(cfg, 'planner');
    const msg = await model.invoke([new HumanMessage('hello there')]);
    expect(msg.content).toBe('echo: hello there');
    expect(usageFromMessage(msg).promptTokens).toBeGreaterThan(0);
  });

  it('sends the sim-<name> model for a sim:<name> spec', async () => {
    const named = modelsConfigFromEnv({ AIME_SIM_URL: shared.url, AIME_ACTOR_MODEL: 'sim:actor' });
    const msg = await createChatModel(named, 'actor').invoke('hi');
    expect(msg.response_metadata.model_name).toBe('sim-actor');
  });

  it('gets a tool call back with bindTools', async () => {
    const msg = await createChatModel(cfg, 'actor').bindTools([bookTrain]).invoke('book me a train to Kyoto');
    expect(msg.tool_calls).toEqual([{ name: 'book_train', args: { from: 'Tokyo', to: 'Kyoto', time: '10:00' }, id: expect.stringMatching(/^call_\d+$/), type: 'tool_call' }]);
  });

  it('parses a json_schema answer with withStructuredOutput', async () => {
    const structured = createChatModel(cfg, 'actor').withStructuredOutput(Report, { method: 'jsonSchema', name: 'report' });
    const report = await structured.invoke('write your report');
    expect(report).toEqual({ status: 'succeeded', summary: 'Booked the 10:00 Nozomi.', artifacts: [], references: ['train:N10'] });
  });
});

describe('createChatModel retries', () => {
  it('waits for Retry-After on a 429 and then succeeds', async () => {
    // 3 s, not 1: the first backoff alone is 1..2 s, so only a wait of >= 3 s proves the header was read.
    await withSim({ faults: { script: ['rate_limit;retry-after=3'] } }, async (sim, c) => {
      const started = performance.now();
      const msg = await createChatModel(c, 'planner').invoke('after the limit');
      expect(msg.content).toBe('echo: after the limit');
      expect(performance.now() - started).toBeGreaterThanOrEqual(2950);
      expect(sim.stats()).toMatchObject({ requests: 2, faults: { rate_limit: 1 } });
    });
  });

  it('retries a 429 that carries no Retry-After, with backoff', async () => {
    await withSim({ faults: { script: ['rate_limit;retry-after=none'] } }, async (sim, c) => {
      const msg = await createChatModel(c, 'planner').invoke('no header');
      expect(msg.content).toBe('echo: no header');
      expect(sim.stats().requests).toBe(2);
    });
  });

  it('gives up at once when Retry-After is longer than the cap', async () => {
    await withSim({ faults: { script: ['rate_limit;retry-after=120'] } }, async (sim, c) => {
      const err = await createChatModel(c, 'planner', { maxRetryAfterMs: 5000 }).invoke('too long').catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/retry after 120 s, more than the 5 s we wait/);
      expect(sim.stats().requests).toBe(1);
    });
  });

  it('retries a 500 and succeeds', async () => {
    await withSim({ faults: { script: ['server_error'] } }, async (sim, c) => {
      const msg = await createChatModel(c, 'factory').invoke('after the error');
      expect(msg.content).toBe('echo: after the error');
      expect(sim.stats()).toMatchObject({ requests: 2, faults: { server_error: 1 } });
    });
  });

  it('stops after maxRetries and surfaces the 500', async () => {
    await withSim({ faults: { rate: 1, kinds: ['server_error'] } }, async (sim, c) => {
      await expect(createChatModel(c, 'factory', { maxRetries: 0 }).invoke('x')).rejects.toMatchObject({ status: 500 });
      expect(sim.stats().requests).toBe(1);
    });
  });

  it('times out a hanging call with a clear error', async () => {
    await withSim({ faults: { script: ['hang'] } }, async (sim, c) => {
      const err = await createChatModel(c, 'actor', { timeoutMs: 300, maxRetries: 0 })
        .invoke('wait for it')
        .then(
          () => undefined,
          (e: unknown) => e as Error & { code?: string },
        );
      expect(err).toBeInstanceOf(Error);
      expect(err?.code).toBe('model_timeout');
      expect(err?.message).toMatch(/the actor model 'sim' did not answer within 300 ms/);
      expect(sim.stats().faults).toEqual({ hang: 1 });
    });
  });
});

describe('usage callback', () => {
  const prices = { sim: { promptPer1M: 1000, completionPer1M: 2000 } };
  const attribution = { role: 'actor' as const, model: 'sim', missionId: 'm-1', taskId: 't-2', actorId: 'a-3' };

  it('reports tokens and cost of each call attributed to mission, task and actor', async () => {
    const records: UsageRecord[] = [];
    const cb = createUsageCallback(attribution, (u) => {
      records.push(u);
    }, prices);
    const msg = (await createChatModel(cfg, 'actor').invoke('count me', { callbacks: [cb] })) as AIMessage;
    const { promptTokens, completionTokens } = usageFromMessage(msg);
    expect(promptTokens).toBeGreaterThan(0);
    expect(records).toEqual([
      { ...attribution, promptTokens, completionTokens, cachedPromptTokens: 0, reasoningTokens: 0, costUsd: (promptTokens * 1000 + completionTokens * 2000) / 1e6, costSource: 'price_table' },
    ]);
  });

  it('reports the usage of streamed calls too', async () => {
    const records: UsageRecord[] = [];
    const cb = createUsageCallback({ ...attribution, taskId: undefined, actorId: undefined, role: 'planner' }, async (u) => {
      records.push(u);
    });
    let text = '';
    for await (const chunk of await createChatModel(cfg, 'planner').stream('stream this please', { callbacks: [cb] })) text += String(chunk.content);
    expect(text).toBe('echo: stream this please');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ role: 'planner', missionId: 'm-1', costUsd: 0 });
    expect(records[0]?.promptTokens).toBeGreaterThan(0);
    expect(records[0]?.completionTokens).toBeGreaterThan(0);
  });

  it('reports structured-output calls', async () => {
    const records: UsageRecord[] = [];
    const cb = createUsageCallback(attribution, (u) => void records.push(u), prices);
    await createChatModel(cfg, 'actor').withStructuredOutput(Report, { method: 'jsonSchema', name: 'report' }).invoke('report', { callbacks: [cb] });
    expect(records).toHaveLength(1);
    expect(records[0]?.costUsd).toBeGreaterThan(0);
  });
});
