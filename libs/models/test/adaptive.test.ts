import type { SimPolicy } from '@aime/sim';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveChatModel,
  contextWarning,
  createUsageCallback,
  EndpointMemory,
  modelsConfigFromEnv,
  StructuredModel,
  type StructuredRequest,
  type UsageRecord,
} from '../src/index.ts';
import { collectingLogger, PLANNER_SCHEMA, PLANNER_TURNS, quirkURL, RequestRecorder, withSim } from './helpers.ts';

function plannerModel(simURL: string, env: NodeJS.ProcessEnv = {}) {
  const memory = new EndpointMemory();
  const logger = collectingLogger();
  const cfg = modelsConfigFromEnv({ AIME_SIM_URL: simURL, AIME_MODEL_MAX_RETRIES: '0', ...env });
  return { model: new StructuredModel({ cfg, role: 'planner', memory, logger }), memory, logger, cfg };
}

function request(callbacks: StructuredRequest['callbacks'] = []): StructuredRequest {
  return { name: 'planner_output', jsonSchema: PLANNER_SCHEMA, turns: PLANNER_TURNS, callbacks };
}

/** A planner that writes a very long plan: `chars` characters of JSON. */
function longPlanner(chars: number): SimPolicy {
  const plan = JSON.stringify({ thought: 'x'.repeat(chars), operations: [] });
  return { name: 'long-planner', matches: (req) => req.response_format?.json_schema?.name === 'planner_output', answer: () => ({ content: plan }) };
}

const maxTokensSent = (r: RequestRecorder) => r.params.map((p) => p.max_tokens ?? p.max_completion_tokens);

describe('an answer cut at the max-tokens limit', () => {
  it('is asked again with a higher limit and comes back whole', async () => {
    await withSim({}, async (sim) => {
      const { model, logger } = plannerModel(quirkURL(sim, 'length;limit=40'));
      const recorder = new RequestRecorder();
      const r = await model.call(request([recorder]));
      expect(r).toMatchObject({ truncated: false, calls: 2, extracted: { ok: true, repaired: false } });
      expect(maxTokensSent(recorder)).toEqual([undefined, 4096]);
      expect(sim.stats().quirks).toEqual({ length: 1 });
      expect(logger.calls).toEqual([
        { level: 'info', obj: expect.objectContaining({ role: 'planner', maxTokens: 4096 }) as object, msg: 'the model answer was cut at the max-tokens limit: asking again with a higher limit' },
      ]);
    });
  });

  it('raises a configured AIME_PLANNER_MAX_TOKENS too', async () => {
    await withSim({}, async (sim) => {
      const { model } = plannerModel(quirkURL(sim, 'length'), { AIME_PLANNER_MAX_TOKENS: '100' });
      const recorder = new RequestRecorder();
      const r = await model.call(request([recorder]));
      expect(r).toMatchObject({ truncated: false, calls: 2, extracted: { ok: true } });
      expect(maxTokensSent(recorder)).toEqual([100, 4096]);
    });
  });

  it('is reported truncated, not parsed, when even the raised limits are not enough', async () => {
    await withSim({ policies: [longPlanner(40_000)] }, async (sim) => {
      const { model } = plannerModel(quirkURL(sim, 'length;limit=40'));
      const recorder = new RequestRecorder();
      const r = await model.call(request([recorder]));
      expect(maxTokensSent(recorder)).toEqual([undefined, 4096, 8192]);
      expect(r).toMatchObject({ truncated: true, calls: 3, mode: 'json_schema' });
      expect(r.text.startsWith('{"thought":"xxx')).toBe(true);
      expect(r.extracted.ok).toBe(false);
      if (!r.extracted.ok) expect(r.extracted.error).toMatch(/cut off at the max-tokens limit \(finish_reason: length, \d+ tokens\).*AIME_PLANNER_MAX_TOKENS higher/);
    });
  });

  it('is not asked again when the configured limit is already the highest it would raise to', async () => {
    await withSim({ policies: [longPlanner(300_000)] }, async (sim) => {
      const { model } = plannerModel(quirkURL(sim, 'length'), { AIME_PLANNER_MAX_TOKENS: '65536' });
      const r = await model.call(request());
      expect(r).toMatchObject({ truncated: true, calls: 1, extracted: { ok: false } });
      expect(sim.stats().requests).toBe(1);
    });
  });
});

describe('a server that only streams', () => {
  it('is streamed from then on, with the usage of the streamed call recorded', async () => {
    await withSim({}, async (sim) => {
      const { model, memory, logger, cfg } = plannerModel(quirkURL(sim, 'stream_only,cached_usage;share=0.5'));
      const records: UsageRecord[] = [];
      const prices = { sim: { promptPer1M: 1, completionPer1M: 2, cachedPromptPer1M: 0.5 } };
      const usage = createUsageCallback({ role: 'planner', model: 'sim', missionId: 'm-1' }, (u) => void records.push(u), prices);
      const r = await model.call(request([usage]));
      expect(r).toMatchObject({ mode: 'json_schema', truncated: false, calls: 2, extracted: { ok: true, repaired: false } });
      expect(memory.mustStream(EndpointMemory.key(cfg.simURL, 'sim'))).toBe(true);
      // The refused request is counted with its error and no tokens; the streamed one reports all of its usage.
      expect(records).toHaveLength(2);
      expect(records[0]).toMatchObject({ promptTokens: 0, completionTokens: 0, costUsd: 0 });
      expect(records[0]!.error).toMatch(/^400: .*stream/);
      const rec = records[1]!;
      expect(rec.promptTokens).toBeGreaterThan(0);
      expect(rec.completionTokens).toBeGreaterThan(0);
      expect(rec.cachedPromptTokens).toBe(Math.floor(rec.promptTokens * 0.5));
      expect(rec).toMatchObject({ costSource: 'price_table', costUsd: ((rec.promptTokens - rec.cachedPromptTokens) * 1 + rec.cachedPromptTokens * 0.5 + rec.completionTokens * 2) / 1e6 });

      const second = await model.call(request([usage]));
      expect(second.calls).toBe(1);
      expect(sim.stats().requests).toBe(3);
      expect(records).toHaveLength(3);
      const streamNotices = logger.calls.filter((c) => c.msg === 'the model server only streams: streaming from now on');
      expect(streamNotices).toHaveLength(1);
    });
  });

  it('streams a tool-mode answer and reads the tool call arguments', async () => {
    const expected = await withSim({}, async (sim) => {
      const r = await plannerModel(sim.url, { AIME_PLANNER_OUTPUT_MODE: 'tool' }).model.call(request());
      return r.extracted;
    });
    await withSim({}, async (sim) => {
      const { model } = plannerModel(quirkURL(sim, 'stream_only'), { AIME_PLANNER_OUTPUT_MODE: 'tool' });
      const r = await model.call(request());
      expect(r).toMatchObject({ mode: 'tool', calls: 2 });
      expect(r.extracted).toEqual(expected);
    });
  });
});

describe('AdaptiveChatModel context window', () => {
  it('warns once, naming AIME_PLANNER_CONTEXT_WINDOW, when the prompt is estimated above the window, and still calls', async () => {
    await withSim({}, async (sim) => {
      const logger = collectingLogger();
      const cfg = modelsConfigFromEnv({ AIME_SIM_URL: sim.url, AIME_PLANNER_CONTEXT_WINDOW: '256' });
      const chat = new AdaptiveChatModel({ cfg, role: 'planner', memory: new EndpointMemory(), logger });
      const messages = [new SystemMessage('You are helpful.'), new HumanMessage('word '.repeat(400))];
      const a = await chat.invoke(messages);
      await chat.invoke(messages);
      expect(a).toMatchObject({ truncated: false, calls: 1 });
      expect(sim.stats().requests).toBe(2);
      const warnings = logger.calls.filter((c) => c.level === 'warn');
      expect(warnings).toHaveLength(1);
      const estimate = (warnings[0]?.obj as { estimate: number }).estimate;
      expect(estimate).toBeGreaterThan(256);
      expect(warnings[0]?.msg).toBe(contextWarning('planner', estimate, 256));
      expect(warnings[0]?.msg).toMatch(/set AIME_PLANNER_CONTEXT_WINDOW/);
    });
  });

  it('stays quiet for a prompt that fits', async () => {
    await withSim({}, async (sim) => {
      const logger = collectingLogger();
      const cfg = modelsConfigFromEnv({ AIME_SIM_URL: sim.url, AIME_PLANNER_CONTEXT_WINDOW: '256' });
      await new AdaptiveChatModel({ cfg, role: 'planner', memory: new EndpointMemory(), logger }).invoke([new HumanMessage('hello')]);
      expect(logger.calls).toEqual([]);
    });
  });
});
