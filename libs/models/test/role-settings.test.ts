import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeModelsConfig, isReasoningModel, ModelConfigError, modelsConfigFromEnv, resolveEndpoint, roleSettings, type ModelsFileSection } from '../src/index.ts';

const KEY = 'sk-role-SECRET-0987654321';
const OTHER_KEY = 'sk-or-v1-ALSO-SECRET-1122334455';

function configError(fn: () => unknown): ModelConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ModelConfigError) return err;
    throw err;
  }
  throw new Error('expected a ModelConfigError');
}

describe('roleSettings precedence: role env, then the file role entry, then global env, then the file default', () => {
  /** Each setting: its role and global variable, env values (role, global), file values (role, default), the parsed results. */
  const CASES = [
    { field: 'temperature', own: 'AIME_PLANNER_TEMPERATURE', global: 'AIME_MODEL_TEMPERATURE', env: ['0.4', '0.3'], file: [0.2, 0.1], want: [0.4, 0.2, 0.3, 0.1] },
    { field: 'maxTokens', own: 'AIME_PLANNER_MAX_TOKENS', global: 'AIME_MODEL_MAX_TOKENS', env: ['4000', '3000'], file: [2000, 1000], want: [4000, 2000, 3000, 1000] },
    { field: 'timeoutMs', own: 'AIME_PLANNER_TIMEOUT_MS', global: 'AIME_MODEL_TIMEOUT_MS', env: ['4000', '3000'], file: [2000, 1000], want: [4000, 2000, 3000, 1000] },
    { field: 'reasoningEffort', own: 'AIME_PLANNER_REASONING_EFFORT', global: 'AIME_REASONING_EFFORT', env: ['high', 'medium'], file: ['low', 'minimal'], want: ['high', 'low', 'medium', 'minimal'] },
    { field: 'outputMode', own: 'AIME_PLANNER_OUTPUT_MODE', global: 'AIME_OUTPUT_MODE', env: ['prompt', 'tool'], file: ['json_object', 'prompt'], want: ['prompt', 'json_object', 'tool', 'prompt'] },
    { field: 'contextWindow', own: 'AIME_PLANNER_CONTEXT_WINDOW', global: 'AIME_CONTEXT_WINDOW', env: ['32768', '16384'], file: [8192, 4096], want: [32768, 8192, 16384, 4096] },
    {
      field: 'baseURL',
      own: 'AIME_PLANNER_BASE_URL',
      global: 'OPENAI_BASE_URL',
      env: ['http://planner.local:8000/v1/', 'http://global.local/v1'],
      file: ['http://file-planner.local/v1', 'http://file-default.local/v1'],
      want: ['http://planner.local:8000/v1', 'http://file-planner.local/v1', 'http://global.local/v1', 'http://file-default.local/v1'],
    },
  ] as const;

  it.each(CASES)('$field', ({ field, own, global, env, file, want }) => {
    const fileRole = { [field]: file[0] };
    const fileDefault = { [field]: file[1] };
    const get = (e: NodeJS.ProcessEnv, f: ModelsFileSection) => (roleSettings(e, 'planner', 'gpt-4o', f) as unknown as Record<string, unknown>)[field];
    const allEnv = { [own]: env[0], [global]: env[1] };
    expect(get(allEnv, { default: fileDefault, planner: fileRole })).toBe(want[0]);
    expect(get({ [global]: env[1] }, { default: fileDefault, planner: fileRole })).toBe(want[1]);
    expect(get({ [global]: env[1] }, { default: fileDefault })).toBe(want[2]);
    expect(get({}, { default: fileDefault, actor: fileRole })).toBe(want[3]);
  });

  it('gives another role its own variables and the shared globals', () => {
    const env = { AIME_PLANNER_TEMPERATURE: '0.9', AIME_MODEL_TEMPERATURE: '0.1', AIME_ACTOR_OUTPUT_MODE: 'tool' };
    expect(roleSettings(env, 'actor', 'gpt-4o')).toMatchObject({ temperature: 0.1, outputMode: 'tool' });
    expect(roleSettings(env, 'factory', 'gpt-4o')).toMatchObject({ temperature: 0.1, outputMode: 'json_schema' });
  });

  it('defaults: json_schema, a 60 s timeout, nothing else set', () => {
    expect(roleSettings({}, 'planner', 'gpt-4o-mini')).toEqual({ timeoutMs: 60_000, outputMode: 'json_schema' });
  });

  it('treats blank variables as unset', () => {
    expect(roleSettings({ AIME_PLANNER_TEMPERATURE: '  ', AIME_MODEL_TEMPERATURE: '0.5' }, 'planner', 'gpt-4o').temperature).toBe(0.5);
  });
});

describe('invalid values name the variable or file field', () => {
  it.each([
    [{ AIME_PLANNER_TEMPERATURE: 'hot' }, "AIME_PLANNER_TEMPERATURE must be a number in 0..2, got 'hot'"],
    [{ AIME_MODEL_TEMPERATURE: '2.5' }, "AIME_MODEL_TEMPERATURE must be a number in 0..2, got '2.5'"],
    [{ AIME_ACTOR_MAX_TOKENS: '1.5' }, "AIME_ACTOR_MAX_TOKENS must be an integer in 1..1000000, got '1.5'"],
    [{ AIME_FACTORY_TIMEOUT_MS: '0' }, "AIME_FACTORY_TIMEOUT_MS must be an integer in 1..3600000, got '0'"],
    [{ AIME_PLANNER_REASONING_EFFORT: 'extreme' }, "AIME_PLANNER_REASONING_EFFORT must be one of minimal, low, medium, high, got 'extreme'"],
    [{ AIME_OUTPUT_MODE: 'xml' }, "AIME_OUTPUT_MODE must be one of json_schema, json_object, tool, prompt, got 'xml'"],
    [{ AIME_ACTOR_CONTEXT_WINDOW: '100' }, "AIME_ACTOR_CONTEXT_WINDOW must be an integer in 256..10000000, got '100'"],
    [{ AIME_PLANNER_BASE_URL: 'localhost:11434' }, "AIME_PLANNER_BASE_URL must be an http(s) URL, got protocol 'localhost:'"],
    [{ AIME_PLANNER_BASE_URL: 'not a url' }, 'AIME_PLANNER_BASE_URL is not a URL: expected e.g. http://127.0.0.1:11434/v1'],
  ])('%o', (env, message) => {
    const err = configError(() => modelsConfigFromEnv(env));
    expect(err.code).toBe('model_config');
    expect(err.message).toBe(message);
  });

  it('a bad file entry names its path', () => {
    expect(configError(() => modelsConfigFromEnv({}, { planner: { temperature: 5 } })).message).toMatch(/^aime\.config models\.planner\.temperature: /);
    expect(configError(() => modelsConfigFromEnv({}, { actor: { apiKey: KEY } })).message).toMatch(/^aime\.config models\.actor: /);
    expect(configError(() => modelsConfigFromEnv({}, { default: { apiKeyEnv: 'my-key' } })).message).toMatch(/models\.default\.apiKeyEnv: an environment variable name/);
  });
});

describe('API keys per role', () => {
  const file = { planner: { model: 'openai:deepseek/deepseek-r1', baseURL: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' } };

  it('reads the key from the variable the file section names', () => {
    const cfg = modelsConfigFromEnv({ OPENROUTER_API_KEY: OTHER_KEY }, file);
    expect(cfg.roles.planner.apiKey).toBe(OTHER_KEY);
    expect(resolveEndpoint(cfg, 'planner')).toMatchObject({ baseURL: 'https://openrouter.ai/api/v1', apiKey: OTHER_KEY, spec: { model: 'deepseek/deepseek-r1' } });
    expect(cfg.models.actor.provider).toBe('sim');
  });

  it('the role variable wins over apiKeyEnv', () => {
    expect(modelsConfigFromEnv({ OPENROUTER_API_KEY: OTHER_KEY, AIME_PLANNER_API_KEY: KEY }, file).roles.planner.apiKey).toBe(KEY);
  });

  it('never sends OPENAI_API_KEY or OPENAI_BASE_URL to a role the file sends to another provider', () => {
    const cfg = modelsConfigFromEnv({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'https://api.openai.com/v1', OPENROUTER_API_KEY: OTHER_KEY, AIME_MODEL: 'gpt-4o' }, file);
    expect(resolveEndpoint(cfg, 'planner')).toMatchObject({ baseURL: 'https://openrouter.ai/api/v1', apiKey: OTHER_KEY });
    expect(resolveEndpoint(cfg, 'actor')).toMatchObject({ baseURL: 'https://api.openai.com/v1', apiKey: KEY });
  });

  it('takes the default entry apiKeyEnv only below OPENAI_API_KEY', () => {
    const section = { default: { apiKeyEnv: 'OPENROUTER_API_KEY' } };
    expect(modelsConfigFromEnv({ AIME_MODEL: 'gpt-4o', OPENROUTER_API_KEY: OTHER_KEY }, section).roles.actor.apiKey).toBe(OTHER_KEY);
    expect(modelsConfigFromEnv({ AIME_MODEL: 'gpt-4o', OPENROUTER_API_KEY: OTHER_KEY, OPENAI_API_KEY: KEY }, section).roles.actor.apiKey).toBe(KEY);
  });

  it('says which variable apiKeyEnv names when it is unset', () => {
    expect(configError(() => modelsConfigFromEnv({}, file)).message).toBe('aime.config models.planner.apiKeyEnv names OPENROUTER_API_KEY, which is not set');
  });

  it('keeps every role key out of keys, spreads, JSON.stringify, inspect and describeModelsConfig', () => {
    const cfg = modelsConfigFromEnv({ OPENAI_API_KEY: KEY, OPENROUTER_API_KEY: OTHER_KEY, AIME_ACTOR_API_KEY: KEY }, file);
    expect(cfg.roles.planner.apiKey).toBe(OTHER_KEY);
    expect(cfg.roles.actor.apiKey).toBe(KEY);
    expect(Object.keys(cfg.roles.planner)).not.toContain('apiKey');
    for (const shown of [JSON.stringify(cfg), JSON.stringify({ ...cfg.roles }), inspect(cfg, { depth: 10 }), inspect(cfg.roles, { depth: 10 }), JSON.stringify(describeModelsConfig(cfg))]) {
      expect(shown).not.toContain(KEY);
      expect(shown).not.toContain(OTHER_KEY);
    }
    expect(describeModelsConfig(cfg).roles.planner).toEqual({ baseURL: 'https://openrouter.ai/api/v1', apiKey: 'set', timeoutMs: 300_000, outputMode: 'json_schema' });
    expect(describeModelsConfig(modelsConfigFromEnv({})).roles.actor.apiKey).toBe('unset');
  });

  it('redacts credentials in a role base URL when described', () => {
    const cfg = modelsConfigFromEnv({ AIME_MODEL: 'gpt-4o', AIME_ACTOR_BASE_URL: `https://user:${KEY}@gw.example/v1?key=${KEY}`, OPENAI_API_KEY: 'x' });
    expect(describeModelsConfig(cfg).roles.actor.baseURL).toBe('https://redacted@gw.example/v1');
  });
});

describe('AIME_ALLOWED_MODELS', () => {
  it('is a trimmed list of specs, empty when unset', () => {
    expect(modelsConfigFromEnv({}).allowedModels).toEqual([]);
    expect(modelsConfigFromEnv({ AIME_ALLOWED_MODELS: ' sim:fast, openai:gpt-4o ,,gpt-4.1 ' }).allowedModels).toEqual(['sim:fast', 'openai:gpt-4o', 'gpt-4.1']);
  });

  it('rejects a malformed spec naming the variable', () => {
    expect(configError(() => modelsConfigFromEnv({ AIME_ALLOWED_MODELS: 'sim,openai:' })).message).toMatch(/^AIME_ALLOWED_MODELS='openai:' names no model/);
  });
});

describe('reasoning models', () => {
  it.each([
    ['o1', true],
    ['o3', true],
    ['o3-mini', true],
    ['o4-mini', true],
    ['openai:o3', true],
    ['gpt-5', true],
    ['gpt-5-mini', true],
    ['deepseek-reasoner', true],
    ['deepseek-r1:14b', true],
    ['deepseek/deepseek-r1', true],
    ['qwq', true],
    ['qwq:32b', true],
    ['claude-3-7-sonnet-thinking', true],
    ['gpt-4o', false],
    ['gpt-4o-mini', false],
    ['gpt-4.1', false],
    ['llama3.1:8b', false],
    ['qwen2.5:7b', false],
    ['omni-moderation-latest', false],
  ])('isReasoningModel(%s) is %s', (model, want) => {
    expect(isReasoningModel(model)).toBe(want);
  });

  it('get a 300 s default timeout; other models 60 s; an explicit timeout wins for both', () => {
    const env = { OPENAI_API_KEY: KEY, AIME_PLANNER_MODEL: 'openai:o3', AIME_ACTOR_MODEL: 'gpt-4o' };
    const cfg = modelsConfigFromEnv(env);
    expect([cfg.roles.planner.timeoutMs, cfg.roles.actor.timeoutMs]).toEqual([300_000, 60_000]);
    const set = modelsConfigFromEnv({ ...env, AIME_MODEL_TIMEOUT_MS: '90000' });
    expect([set.roles.planner.timeoutMs, set.roles.actor.timeoutMs]).toEqual([90_000, 90_000]);
    expect(modelsConfigFromEnv(env, { planner: { timeoutMs: 600_000 } }).roles.planner.timeoutMs).toBe(600_000);
  });
});
