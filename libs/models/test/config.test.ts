import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  costOf,
  describeModelsConfig,
  ModelConfigError,
  modelInfo,
  modelsConfigFromEnv,
  priceOf,
  retryAfterMsFrom,
} from '../src/index.ts';

const KEY = 'sk-test-VERY-SECRET-1234567890';

function configError(env: NodeJS.ProcessEnv): ModelConfigError {
  try {
    modelsConfigFromEnv(env);
  } catch (err) {
    if (err instanceof ModelConfigError) return err;
    throw err;
  }
  throw new Error('expected a ModelConfigError');
}

describe('modelsConfigFromEnv', () => {
  it('defaults every role to the sim when no OpenAI key is set', () => {
    const cfg = modelsConfigFromEnv({});
    expect(modelInfo(cfg)).toEqual({ planner: 'sim', factory: 'sim', actor: 'sim', simulated: true });
    expect(cfg.simURL).toBe('http://127.0.0.1:7401/v1');
    expect([cfg.timeoutMs, cfg.maxRetries]).toEqual([60_000, 3]);
  });

  it('defaults to openai:gpt-4o-mini when OPENAI_API_KEY is set', () => {
    const cfg = modelsConfigFromEnv({ OPENAI_API_KEY: KEY });
    expect(modelInfo(cfg)).toEqual({ planner: 'openai:gpt-4o-mini', factory: 'openai:gpt-4o-mini', actor: 'openai:gpt-4o-mini', simulated: false });
    expect(cfg.models.actor).toEqual({ spec: 'openai:gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini' });
    expect(cfg.openai.apiKey).toBe(KEY);
  });

  it('lets each role override AIME_MODEL, and marks the mix as simulated', () => {
    const cfg = modelsConfigFromEnv({ OPENAI_API_KEY: KEY, AIME_MODEL: 'gpt-4.1', AIME_PLANNER_MODEL: 'sim:planner', AIME_ACTOR_MODEL: 'openai:gpt-4o' });
    expect(cfg.models.planner).toEqual({ spec: 'sim:planner', provider: 'sim', model: 'sim-planner' });
    expect(cfg.models.factory).toEqual({ spec: 'gpt-4.1', provider: 'openai', model: 'gpt-4.1' });
    expect(cfg.models.actor.model).toBe('gpt-4o');
    expect(modelInfo(cfg).simulated).toBe(true);
  });

  it('accepts keyless local servers and model names with colons through OPENAI_BASE_URL', () => {
    const cfg = modelsConfigFromEnv({ AIME_MODEL: 'openai:llama3.1:8b', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/' });
    expect(cfg.models.planner.model).toBe('llama3.1:8b');
    expect(cfg.openai.baseURL).toBe('http://127.0.0.1:11434/v1');
    expect(cfg.openai.apiKey).toBeUndefined();
  });

  it('reads timeout, retries, sim URL and extra prices', () => {
    const cfg = modelsConfigFromEnv({
      AIME_SIM_URL: 'http://127.0.0.1:9999/v1',
      AIME_MODEL_TIMEOUT_MS: '1500',
      AIME_MODEL_MAX_RETRIES: '0',
      AIME_MODEL_PRICES: '{"my-model":{"promptPer1M":1,"completionPer1M":2},"gpt-4o-mini":{"promptPer1M":9,"completionPer1M":9}}',
    });
    expect([cfg.simURL, cfg.timeoutMs, cfg.maxRetries]).toEqual(['http://127.0.0.1:9999/v1', 1500, 0]);
    expect(cfg.prices['my-model']).toEqual({ promptPer1M: 1, completionPer1M: 2 });
    expect(cfg.prices['gpt-4o-mini']).toEqual({ promptPer1M: 9, completionPer1M: 9 });
    expect(cfg.prices['gpt-4o']).toBeDefined();
  });

  it('rejects an openai model without key or base URL, saying what to set', () => {
    const err = configError({ AIME_MODEL: 'gpt-4o' });
    expect(err.code).toBe('model_config');
    expect(err.message).toMatch(/OPENAI_API_KEY/);
    expect(err.message).toMatch(/AIME_MODEL=sim/);
  });

  it('rejects malformed specs naming the variable', () => {
    expect(configError({ AIME_PLANNER_MODEL: 'sim:' }).message).toMatch(/AIME_PLANNER_MODEL='sim:'/);
    expect(configError({ AIME_MODEL: 'openai:', OPENAI_API_KEY: KEY }).message).toMatch(/AIME_MODEL='openai:' names no model/);
    expect(configError({ AIME_ACTOR_MODEL: 'sim:my model' }).message).toMatch(/AIME_ACTOR_MODEL/);
  });

  it('rejects bad numbers, URLs and prices with actionable messages', () => {
    expect(configError({ AIME_MODEL_TIMEOUT_MS: 'soon' }).message).toMatch(/AIME_MODEL_TIMEOUT_MS must be an integer in 1\.\.3600000, got 'soon'/);
    expect(configError({ AIME_MODEL_MAX_RETRIES: '-1' }).message).toMatch(/AIME_MODEL_MAX_RETRIES/);
    expect(configError({ AIME_SIM_URL: 'localhost:7401' }).message).toMatch(/AIME_SIM_URL/);
    expect(configError({ OPENAI_BASE_URL: 'not a url' }).message).toMatch(/OPENAI_BASE_URL/);
    expect(configError({ AIME_MODEL_PRICES: '{oops' }).message).toMatch(/AIME_MODEL_PRICES is not valid JSON/);
    expect(configError({ AIME_MODEL_PRICES: '{"m":{"promptPer1M":-1,"completionPer1M":1}}' }).message).toMatch(/AIME_MODEL_PRICES\["m"\]/);
  });
});

describe('describeModelsConfig', () => {
  const cfg = modelsConfigFromEnv({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `https://user:${KEY}@proxy.example/v1?token=${KEY}` });

  it('never shows the API key, also not in URLs', () => {
    const described = JSON.stringify(describeModelsConfig(cfg));
    expect(described).not.toContain(KEY);
    expect(describeModelsConfig(cfg)).toMatchObject({ openaiApiKey: 'set', openaiBaseURL: 'https://redacted@proxy.example/v1' });
  });

  it('keeps the key out of JSON.stringify, inspect and spreads of the config itself', () => {
    const plain = modelsConfigFromEnv({ OPENAI_API_KEY: KEY });
    expect(JSON.stringify(cfg)).not.toContain(KEY);
    expect(inspect(cfg, { depth: 10 })).not.toContain(KEY);
    expect(JSON.stringify({ ...plain })).not.toContain(KEY);
    expect(inspect({ ...plain }, { depth: 10 })).not.toContain(KEY);
    expect(JSON.parse(JSON.stringify(plain))).toMatchObject({ models: { planner: 'openai:gpt-4o-mini' }, openaiApiKey: 'set' });
  });
});

describe('prices', () => {
  it('prices known models per 1M tokens, dated snapshots by their base model', () => {
    expect(costOf('openai:gpt-4o-mini', 1_000_000, 1_000_000)).toBeCloseTo(0.75, 10);
    expect(costOf('gpt-4o-mini-2024-07-18', 2_000_000, 0)).toBeCloseTo(0.3, 10);
    expect(costOf('gpt-4o', 1000, 0)).toBeCloseTo(0.0025, 10);
  });

  it('makes the sim free and unknown models cost 0 but recognisably unknown', () => {
    expect(costOf('sim', 10_000, 10_000)).toBe(0);
    expect(costOf('sim:planner', 10_000, 10_000)).toBe(0);
    expect(priceOf('mystery-model')).toBeUndefined();
    expect(costOf('mystery-model', 10_000, 10_000)).toBe(0);
  });

  it('uses a given table before the built-in rules', () => {
    expect(costOf('sim', 1_000_000, 500_000, { sim: { promptPer1M: 1, completionPer1M: 4 } })).toBe(3);
  });
});

describe('retryAfterMsFrom', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMsFrom(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMsFrom(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMsFrom({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMsFrom(new Headers())).toBeUndefined();
    expect(retryAfterMsFrom(new Headers({ 'retry-after': 'soon-ish' }))).toBeUndefined();
  });
});
