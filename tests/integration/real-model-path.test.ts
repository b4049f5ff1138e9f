import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointMemory, modelsConfigFromEnv, type ModelsConfig } from '@aime/models';
import type { Event, Mission } from '@aime/protocol';
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer, type SimServerHandle } from '@aime/sim';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * The reference mission through the real-model path (`openai:<model>` + a base URL), not the
 * sim shortcut, against a sim that answers the way real providers do. The planner, factory
 * and actors are configured exactly as a user configures a real endpoint.
 */
let sim: SimServerHandle;
beforeAll(async () => {
  sim = await startSimServer({ worlds: [travelWorld] });
});
afterAll(async () => {
  await sim.close();
});

const base = (quirks: string) => sim.url.replace(/\/v1$/, `/quirks/${quirks}/v1`);

/** Models for a user's `openai:` setup; `env` adds per-role settings. */
function models(quirks: string, env: Record<string, string> = {}): ModelsConfig {
  return modelsConfigFromEnv({ AIME_MODEL: 'openai:gpt-4o-mini', OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: base(quirks), AIME_MODEL_MAX_RETRIES: '1', ...env });
}

const ofType = <T extends Event['type']>(events: Event[], type: T) => events.filter((e): e is Extract<Event, { type: T }> => e.type === type);

async function runReference(cfg: ModelsConfig): Promise<{ mission: Mission; events: Event[]; requests: number; refused: number }> {
  const before = sim.stats();
  const stack: TestStack = await startStack({ models: cfg });
  try {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 60_000);
    const events = await stack.events(id);
    const after = sim.stats();
    const refusedKinds = ['no_json_schema', 'no_json_object', 'no_tools', 'stream_only'];
    const refused = refusedKinds.reduce((n, k) => n + ((after.quirks?.[k] ?? 0) - (before.quirks?.[k] ?? 0)), 0);
    return { mission, events, requests: after.requests - before.requests, refused };
  } finally {
    await stack.close();
  }
}

function expectEveryAnsweredCallCounted(run: Awaited<ReturnType<typeof runReference>>): void {
  const usage = ofType(run.events, 'usage');
  // Every call is a usage event on the mission: repairs, length retries and fallbacks too, and
  // the calls the server refused, with their error and no tokens.
  expect(usage.length).toBe(run.requests);
  expect(usage.filter((e) => e.data.error).length).toBe(run.refused);
  for (const e of usage.filter((x) => x.data.error)) expect(e.data.promptTokens + e.data.completionTokens).toBe(0);
  const prompt = usage.reduce((n, e) => n + e.data.promptTokens, 0);
  expect(run.mission.usage.promptTokens).toBe(prompt);
  expect(prompt).toBeGreaterThan(0);
}

describe('the reference mission through the openai: path, with real providers\' answer shapes', () => {
  const modes: Array<{ quirk: string; why: string; env?: Record<string, string> }> = [
    { quirk: 'fenced', why: 'JSON in ```json fences' },
    { quirk: 'prose', why: 'a sentence before and after the JSON' },
    { quirk: 'think', why: 'a <think> block before every answer' },
    { quirk: 'reasoning_field', why: 'reasoning_content beside the answer' },
    { quirk: 'trailing_comma', why: 'a trailing comma in the JSON' },
    { quirk: 'length;limit=200', why: 'answers cut with finish_reason length unless max_tokens allows them' },
    { quirk: 'no_json_schema', why: 'a 400 for response_format json_schema' },
    { quirk: 'no_json_schema,no_json_object', why: 'a 400 for both JSON response formats' },
    { quirk: 'stream_only', why: 'a 400 for any request that does not stream' },
    { quirk: 'fenced,think,trailing_comma,cached_usage,reasoning_usage', why: 'several quirks at once' },
  ];
  for (const mode of modes) {
    it(`succeeds with ${mode.why} (${mode.quirk})`, async () => {
      const run = await runReference(models(mode.quirk, mode.env));
      expect(run.mission.status, JSON.stringify(run.mission.error)).toBe('succeeded');
      expect(run.mission.result?.answer).toMatch(/itinerary/i);
      expectEveryAnsweredCallCounted(run);
    });
  }

  it('falls back from tool calls to the schema in the prompt when the planner and factory endpoint refuses tools, and logs it once', async () => {
    const cfg = models('', {
      AIME_PLANNER_BASE_URL: base('no_tools'),
      AIME_FACTORY_BASE_URL: base('no_tools'),
      AIME_PLANNER_OUTPUT_MODE: 'tool',
      AIME_FACTORY_OUTPUT_MODE: 'tool',
    });
    const run = await runReference(cfg);
    expect(run.mission.status, JSON.stringify(run.mission.error)).toBe('succeeded');
    // Planner and factory share the endpoint and model: the first refusal teaches both (remembered per endpoint+model).
    expect(run.refused).toBe(1);
    expect(endpointMemory.mode(`${base('no_tools')}#gpt-4o-mini`)).toBe('prompt');
    expectEveryAnsweredCallCounted(run);
  });

  it('prices cached prompt tokens at the cached price: the mission costs less than without, by the price table ratio', async () => {
    const plain = await runReference(models('fenced'));
    const cached = await runReference(models('fenced,cached_usage;share=0.5'));
    for (const run of [plain, cached]) expect(run.mission.status).toBe('succeeded');
    const u = cached.mission.usage;
    expect(plain.mission.usage.cachedPromptTokens).toBe(0);
    expect(u.cachedPromptTokens).toBeGreaterThan(0.4 * u.promptTokens);
    // gpt-4o-mini: $0.15 per 1M prompt tokens, $0.075 cached, $0.60 completion.
    const atList = (p: number, c: number) => (p * 0.15 + c * 0.6) / 1e6;
    expect(plain.mission.usage.costUsd).toBeCloseTo(atList(plain.mission.usage.promptTokens, plain.mission.usage.completionTokens), 9);
    expect(u.costUsd).toBeCloseTo(atList(u.promptTokens, u.completionTokens) - (u.cachedPromptTokens * (0.15 - 0.075)) / 1e6, 9);
    expect(u.costUsd / u.promptTokens).toBeLessThan(plain.mission.usage.costUsd / plain.mission.usage.promptTokens);
    expect(u.costKnown).toBe(true);
  });

  it('records reasoning tokens and prefers the cost the provider reports', async () => {
    const run = await runReference(models('reasoning_usage;tokens=40,provider_cost;per1m=2'));
    expect(run.mission.status).toBe('succeeded');
    const usage = ofType(run.events, 'usage');
    expect(run.mission.usage.reasoningTokens).toBe(40 * usage.length);
    expect(usage.every((e) => e.data.costSource === 'provider')).toBe(true);
    const total = run.mission.usage.promptTokens + run.mission.usage.completionTokens;
    expect(run.mission.usage.costUsd).toBeCloseTo((total * 2) / 1e6, 9);
  });

  it('counts an unknown model at $0 with one warning event and costKnown false', async () => {
    const run = await runReference(models('', { AIME_MODEL: 'openai:my-local-llama' }));
    expect(run.mission.status).toBe('succeeded');
    expect(run.mission.usage.costUsd).toBe(0);
    expect(run.mission.usage.costKnown).toBe(false);
    expect(run.mission.costKnown).toBe(false);
    const warnings = ofType(run.events, 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.data).toMatchObject({ code: 'unknown_model_price', data: { model: 'openai:my-local-llama' } });
    expect(warnings[0]!.data.message).toMatch(/maxCostUsd cannot be enforced.*AIME_MODEL_PRICES/);
    expectEveryAnsweredCallCounted(run);
  });

  it('runs a mission on a model the caller picks from the operator-allowed list, and refuses others naming the field', async () => {
    const stack = await startStack({ models: models('fenced', { AIME_ALLOWED_MODELS: 'openai:gpt-4.1-mini' }) });
    try {
      const refused = await stack.api<{ error: { code: string; message: string } }>('/v1/missions', { body: { goal: REFERENCE_GOAL, model: { actor: 'openai:gpt-4o' } } });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'model_not_allowed' });
      expect(refused.body.error.message).toMatch(/model\.actor: 'openai:gpt-4o' is not allowed.*allowed: openai:gpt-4\.1-mini/);
      const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT, model: 'openai:gpt-4.1-mini' });
      const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 60_000);
      expect(mission.status).toBe('succeeded');
      expect(mission.model).toEqual({ planner: 'openai:gpt-4.1-mini', factory: 'openai:gpt-4.1-mini', actor: 'openai:gpt-4.1-mini', simulated: false });
      const usage = ofType(await stack.events(id), 'usage');
      expect(new Set(usage.map((e) => e.data.model))).toEqual(new Set(['openai:gpt-4.1-mini']));
      // Priced at gpt-4.1-mini's list price ($0.40 / $1.60 per 1M), not the default model's.
      expect(mission.usage.costUsd).toBeCloseTo((mission.usage.promptTokens * 0.4 + mission.usage.completionTokens * 1.6) / 1e6, 9);
    } finally {
      await stack.close();
    }
  });
});
