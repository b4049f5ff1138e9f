import { z } from 'zod';
import { ModelConfigError } from './errors.ts';
import { OUTPUT_MODES, type OutputMode } from './output-mode.ts';
import { MODEL_ROLES, type ModelRole } from './roles.ts';

/** `reasoning_effort` values the OpenAI API takes (others pass them through too). */
export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/**
 * How one role talks to its model: endpoint, key and call settings. Unset values fall back
 * to the global ones (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `AIME_MODEL_*`).
 */
export interface RoleSettings {
  /** Base URL of this role's OpenAI-compatible endpoint. @default OPENAI_BASE_URL */
  baseURL?: string;
  /** Not enumerable: never serialised or logged. @default OPENAI_API_KEY */
  apiKey?: string;
  temperature?: number;
  /** `max_tokens` (or `max_completion_tokens` for reasoning models) of the first try. */
  maxTokens?: number;
  /** Per attempt. @default AIME_MODEL_TIMEOUT_MS, 60000 (300000 for reasoning models) */
  timeoutMs: number;
  reasoningEffort?: ReasoningEffort;
  /** How structured answers are asked for (planner, factory). @default 'json_schema' */
  outputMode: OutputMode;
  /** The model's context window in tokens; a call estimated above it logs a warning. */
  contextWindow?: number;
}

/** One role's entry in the `models` section of `aime.config.*` (no secrets: name the env variable holding the key). */
export const RoleFileSettings = z
  .object({
    model: z.string().min(1).optional(),
    baseURL: z.string().url().optional(),
    /** The name of the environment variable that holds this role's API key. */
    apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as OPENROUTER_API_KEY').optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(1_000_000).optional(),
    timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
    reasoningEffort: z.enum(REASONING_EFFORTS).optional(),
    outputMode: z.enum(OUTPUT_MODES).optional(),
    contextWindow: z.number().int().min(256).max(10_000_000).optional(),
  })
  .strict();
export type RoleFileSettings = z.infer<typeof RoleFileSettings>;

/** The `models` section of `aime.config.*`: defaults for every role, then per role. */
export const ModelsFileSection = z
  .object({
    default: RoleFileSettings.optional(),
    planner: RoleFileSettings.optional(),
    factory: RoleFileSettings.optional(),
    actor: RoleFileSettings.optional(),
  })
  .strict();
export type ModelsFileSection = z.infer<typeof ModelsFileSection>;

const ROLE_PREFIX: Record<ModelRole, string> = { planner: 'AIME_PLANNER_', factory: 'AIME_FACTORY_', actor: 'AIME_ACTOR_' };

/** The env variables of one setting: the role's own, then the global one. */
const SETTING_ENV = {
  baseURL: ['BASE_URL', 'OPENAI_BASE_URL'],
  apiKey: ['API_KEY', 'OPENAI_API_KEY'],
  temperature: ['TEMPERATURE', 'AIME_MODEL_TEMPERATURE'],
  maxTokens: ['MAX_TOKENS', 'AIME_MODEL_MAX_TOKENS'],
  timeoutMs: ['TIMEOUT_MS', 'AIME_MODEL_TIMEOUT_MS'],
  reasoningEffort: ['REASONING_EFFORT', 'AIME_REASONING_EFFORT'],
  outputMode: ['OUTPUT_MODE', 'AIME_OUTPUT_MODE'],
  contextWindow: ['CONTEXT_WINDOW', 'AIME_CONTEXT_WINDOW'],
} as const;

export const DEFAULT_TIMEOUT_MS = 60_000;
/** Reasoning models think before the first token: a longer default, and no blind retry of a timeout. */
export const DEFAULT_REASONING_TIMEOUT_MS = 300_000;

/** Reasoning models by name (OpenAI o-series and gpt-5, DeepSeek R1/reasoner, QwQ, *-thinking). */
export function isReasoningModel(model: string): boolean {
  const name = model.toLowerCase().replace(/^openai:/, '');
  return /^(o\d)(-|$)/.test(name) || name.startsWith('gpt-5') || /deepseek-(r1|reasoner)|(^|[/:-])r1([/:-]|$)|qwq|thinking/.test(name);
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** The role's own variable, else the global one; returns the value and the variable it came from. */
function lookup(env: NodeJS.ProcessEnv, role: ModelRole, key: keyof typeof SETTING_ENV): { value: string; from: string } | undefined {
  const [own, global] = SETTING_ENV[key];
  const ownName = `${ROLE_PREFIX[role]}${own}`;
  const v = envValue(env, ownName);
  if (v !== undefined) return { value: v, from: ownName };
  const g = envValue(env, global);
  return g === undefined ? undefined : { value: g, from: global };
}

function num(from: string, raw: string, min: number, max: number, integer: boolean): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ModelConfigError(`${from} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got '${raw}'`);
  }
  return n;
}

/** Validates an http(s) URL and drops trailing slashes. */
export function parseBaseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ModelConfigError(`${name} is not a URL: expected e.g. http://127.0.0.1:11434/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelConfigError(`${name} must be an http(s) URL, got protocol '${url.protocol}'`);
  return value.replace(/\/+$/, '');
}

/**
 * The settings of one role from the environment over the config file's section (env wins;
 * a role's own variable wins over the global one; the file's role entry over its `default`).
 * @throws ModelConfigError naming the variable or file field.
 */
export function roleSettings(env: NodeJS.ProcessEnv, role: ModelRole, model: string, file: ModelsFileSection = {}): RoleSettings {
  const f: RoleFileSettings = { ...file.default, ...file[role] };
  const get = (key: keyof typeof SETTING_ENV) => lookup(env, role, key);
  const out: RoleSettings = { timeoutMs: 0, outputMode: 'json_schema' };

  const base = get('baseURL');
  if (base) out.baseURL = parseBaseUrl(base.from, base.value);
  else if (f.baseURL) out.baseURL = parseBaseUrl(`aime.config models.${role}.baseURL`, f.baseURL);

  const key = get('apiKey')?.value ?? (f.apiKeyEnv ? envValue(env, f.apiKeyEnv) : undefined);
  if (f.apiKeyEnv && !key) throw new ModelConfigError(`aime.config models.${role}.apiKeyEnv names ${f.apiKeyEnv}, which is not set`);
  // Not enumerable: a spread, JSON.stringify or inspect of the settings cannot leak the key.
  if (key) Object.defineProperty(out, 'apiKey', { value: key, enumerable: false, writable: false });

  const t = get('temperature');
  const temperature = t ? num(t.from, t.value, 0, 2, false) : f.temperature;
  if (temperature !== undefined) out.temperature = temperature;
  const mt = get('maxTokens');
  const maxTokens = mt ? num(mt.from, mt.value, 1, 1_000_000, true) : f.maxTokens;
  if (maxTokens !== undefined) out.maxTokens = maxTokens;
  const to = get('timeoutMs');
  out.timeoutMs = to ? num(to.from, to.value, 1, 3_600_000, true) : (f.timeoutMs ?? (isReasoningModel(model) ? DEFAULT_REASONING_TIMEOUT_MS : DEFAULT_TIMEOUT_MS));
  const re = get('reasoningEffort');
  if (re && !(REASONING_EFFORTS as readonly string[]).includes(re.value)) {
    throw new ModelConfigError(`${re.from} must be one of ${REASONING_EFFORTS.join(', ')}, got '${re.value}'`);
  }
  const effort = (re?.value as ReasoningEffort | undefined) ?? f.reasoningEffort;
  if (effort) out.reasoningEffort = effort;
  const om = get('outputMode');
  if (om && !(OUTPUT_MODES as readonly string[]).includes(om.value)) {
    throw new ModelConfigError(`${om.from} must be one of ${OUTPUT_MODES.join(', ')}, got '${om.value}'`);
  }
  out.outputMode = (om?.value as OutputMode | undefined) ?? f.outputMode ?? 'json_schema';
  const cw = get('contextWindow');
  const contextWindow = cw ? num(cw.from, cw.value, 256, 10_000_000, true) : f.contextWindow;
  if (contextWindow !== undefined) out.contextWindow = contextWindow;
  return out;
}

/** Every role's settings. */
export function allRoleSettings(env: NodeJS.ProcessEnv, models: Record<ModelRole, { model: string }>, file?: ModelsFileSection): Record<ModelRole, RoleSettings> {
  const out = {} as Record<ModelRole, RoleSettings>;
  for (const role of MODEL_ROLES) out[role] = roleSettings(env, role, models[role].model, file);
  return out;
}
