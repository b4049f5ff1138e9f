import { describe, expect, it } from 'vitest';
import { EndpointMemory, modelsConfigFromEnv, StructuredModel, type OutputMode, type StructuredRequest } from '../src/index.ts';
import { collectingLogger, PLANNER_SCHEMA, PLANNER_TURNS, quirkURL, RequestRecorder, withSim } from './helpers.ts';

function plannerModel(simURL: string, env: NodeJS.ProcessEnv = {}) {
  const memory = new EndpointMemory();
  const logger = collectingLogger();
  const cfg = modelsConfigFromEnv({ AIME_SIM_URL: simURL, AIME_MODEL_MAX_RETRIES: '0', ...env });
  return { model: new StructuredModel({ cfg, role: 'planner', memory, logger }), memory, logger, cfg };
}

function request(recorder?: RequestRecorder): StructuredRequest {
  return { name: 'planner_output', description: 'The planner step', jsonSchema: PLANNER_SCHEMA, turns: PLANNER_TURNS, ...(recorder ? { callbacks: [recorder] } : {}) };
}

/** What went on the wire, reduced to how the answer was asked for. */
function askedHow(p: Record<string, unknown>): string {
  const rf = p.response_format as { type?: string } | undefined;
  if (rf?.type) return rf.type;
  if (Array.isArray(p.tools) && p.tools.length > 0) return 'tool';
  return 'prompt';
}

/** The sim planner's answer to this goal, asked the canonical way. */
async function plannerAnswer(): Promise<unknown> {
  return withSim({}, async (sim) => {
    const r = await plannerModel(sim.url).model.call(request());
    if (!r.extracted.ok) throw new Error(r.extracted.error);
    return r.extracted.value;
  });
}

describe('StructuredModel asks in the configured output mode', () => {
  it.each(['json_schema', 'json_object', 'tool', 'prompt'] as const)('AIME_PLANNER_OUTPUT_MODE=%s gets the planner answer in one request asked that way', async (mode: OutputMode) => {
    const expected = await plannerAnswer();
    await withSim({}, async (sim) => {
      const { model } = plannerModel(sim.url, { AIME_PLANNER_OUTPUT_MODE: mode });
      expect(model.mode).toBe(mode);
      const recorder = new RequestRecorder();
      const r = await model.call(request(recorder));
      expect(r).toMatchObject({ mode, truncated: false, calls: 1, extracted: { ok: true, value: expected } });
      expect(recorder.params.map(askedHow)).toEqual([mode]);
      expect(sim.stats().requests).toBe(1);
    });
  });

  it('returns the raw text and repairs what a chatty local model wraps around the JSON', async () => {
    const expected = await plannerAnswer();
    await withSim({}, async (sim) => {
      const { model } = plannerModel(quirkURL(sim, 'think,prose,fenced,trailing_comma'), { AIME_PLANNER_OUTPUT_MODE: 'prompt' });
      const r = await model.call(request());
      expect(r.text).toMatch(/^<think>[\s\S]*<\/think>\n\nSure! Here is the plan:\n\n```json\n/);
      expect(r.extracted).toEqual({ ok: true, value: expected, repaired: true });
    });
  });
});

describe('StructuredModel falls back when the server refuses a mode', () => {
  it('json_schema → json_object on a json_schema refusal, remembered and logged once', async () => {
    const expected = await plannerAnswer();
    await withSim({}, async (sim) => {
      const { model, memory, logger, cfg } = plannerModel(quirkURL(sim, 'no_json_schema'));
      const first = await model.call(request());
      expect(first).toMatchObject({ mode: 'json_object', calls: 2, extracted: { ok: true, value: expected } });
      expect(sim.stats().requests).toBe(2);
      expect(memory.mode(EndpointMemory.key(cfg.simURL, 'sim'))).toBe('json_object');
      expect(model.mode).toBe('json_object');

      const recorder = new RequestRecorder();
      const second = await model.call(request(recorder));
      expect(second).toMatchObject({ mode: 'json_object', calls: 1, extracted: { ok: true, value: expected } });
      expect(recorder.params.map(askedHow)).toEqual(['json_object']);
      expect(sim.stats().requests).toBe(3);

      const warnings = logger.calls.filter((c) => c.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.msg).toBe("the model server refused output mode 'json_schema': using 'json_object' from now on");
      expect(warnings[0]?.obj).toMatchObject({ role: 'planner', from: 'json_schema', to: 'json_object' });
    });
  });

  it('json_schema → json_object → tool when both JSON response formats are refused', async () => {
    const expected = await plannerAnswer();
    await withSim({ quirks: ['no_json_schema', 'no_json_object'] }, async (sim) => {
      const { model, logger } = plannerModel(sim.url);
      const recorder = new RequestRecorder();
      const first = await model.call(request(recorder));
      expect(first).toMatchObject({ mode: 'tool', calls: 3, extracted: { ok: true, value: expected } });
      expect(recorder.params.map(askedHow)).toEqual(['json_schema', 'json_object', 'tool']);
      expect(logger.calls.map((c) => c.msg)).toEqual([
        "the model server refused output mode 'json_schema': using 'json_object' from now on",
        "the model server refused output mode 'json_object': using 'tool' from now on",
      ]);
      const second = await model.call(request());
      expect(second).toMatchObject({ mode: 'tool', calls: 1 });
      expect(sim.stats().requests).toBe(4);
      expect(logger.calls).toHaveLength(2);
    });
  });

  it('tool → prompt when the server refuses tools and the mode is tool', async () => {
    const expected = await plannerAnswer();
    await withSim({}, async (sim) => {
      const { model } = plannerModel(quirkURL(sim, 'no_tools'), { AIME_PLANNER_OUTPUT_MODE: 'tool' });
      const recorder = new RequestRecorder();
      const r = await model.call(request(recorder));
      expect(r).toMatchObject({ mode: 'prompt', calls: 2, extracted: { ok: true, value: expected } });
      expect(recorder.params.map(askedHow)).toEqual(['tool', 'prompt']);
    });
  });

  it('walks all the way down to prompt on a server that refuses every structured feature', async () => {
    await withSim({ quirks: ['no_json_schema', 'no_json_object', 'no_tools'] }, async (sim) => {
      const { model } = plannerModel(sim.url);
      const r = await model.call(request());
      expect(r).toMatchObject({ mode: 'prompt', calls: 4, extracted: { ok: true } });
      expect(sim.stats().requests).toBe(4);
    });
  });

  it('keeps what it learnt per endpoint: another memory starts from the configured mode', async () => {
    await withSim({}, async (sim) => {
      const url = quirkURL(sim, 'no_json_schema');
      await plannerModel(url).model.call(request());
      const fresh = plannerModel(url);
      expect(fresh.model.mode).toBe('json_schema');
      expect((await fresh.model.call(request())).calls).toBe(2);
    });
  });
});

describe('StructuredModel does not turn transport errors into fallbacks', () => {
  it('a 500 throws and nothing is learnt', async () => {
    await withSim({}, async (sim) => {
      const { model, memory, logger, cfg } = plannerModel(sim.url);
      const turns = [PLANNER_TURNS[0]!, { role: 'user' as const, content: `${PLANNER_TURNS[1]!.content}\n[[sim-fault:server_error]]` }];
      await expect(model.call({ ...request(), turns })).rejects.toMatchObject({ status: 500 });
      expect(sim.stats().requests).toBe(1);
      expect(memory.mode(EndpointMemory.key(cfg.simURL, 'sim'))).toBeUndefined();
      expect(logger.calls).toEqual([]);
    });
  });

  it('a 429 throws (after the chat model retries, here none) and nothing is learnt', async () => {
    await withSim({}, async (sim) => {
      const { model, memory, cfg } = plannerModel(sim.url);
      const turns = [PLANNER_TURNS[0]!, { role: 'user' as const, content: `${PLANNER_TURNS[1]!.content}\n[[sim-fault:rate_limit;retry-after=0]]` }];
      await expect(model.call({ ...request(), turns })).rejects.toMatchObject({ status: 429 });
      expect(memory.mode(EndpointMemory.key(cfg.simURL, 'sim'))).toBeUndefined();
    });
  });
});
