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

/** A setting's value and where it came from (an env variable or a config-file field). */
interface Found {
  value: string;
  from: string;
}

/** The role's own variable; the global one separately, since a role's file entry sits between them. */
function lookup(env: NodeJS.ProcessEnv, role: ModelRole, key: keyof typeof SETTING_ENV): { own?: Found; global?: Found } {
  const [own, global] = SETTING_ENV[key];
  const ownName = `${ROLE_PREFIX[role]}${own}`;
  const v = envValue(env, ownName);
  const g = envValue(env, global);
  return { ...(v !== undefined ? { own: { value: v, from: ownName } } : {}), ...(g !== undefined ? { global: { value: g, from: global } } : {}) };
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
 * The settings of one role, most specific first: the role's own variable
 * (`AIME_PLANNER_BASE_URL`), the role's entry in the config file (`models.planner`), the
 * global variable (`OPENAI_BASE_URL`, `AIME_MODEL_TEMPERATURE`...), the file's `models.default`.
 * So a role the file sends to another provider (its own `baseURL` and `apiKeyEnv`) never gets
 * the global `OPENAI_API_KEY`.
 * @throws ModelConfigError naming the variable or file field.
 */
export function roleSettings(env: NodeJS.ProcessEnv, role: ModelRole, model: string, file: ModelsFileSection = {}): RoleSettings {
  const fr: RoleFileSettings = file[role] ?? {};
  const fd: RoleFileSettings = file.default ?? {};
  const fileField = (key: Exclude<keyof RoleFileSettings, 'model' | 'apiKeyEnv'>, entry: RoleFileSettings, name: string): Found | undefined =>
    entry[key] === undefined ? undefined : { value: String(entry[key]), from: `aime.config models.${name}.${key}` };
  /** The winning source of a setting, in the order above. */
  const pick = (key: keyof typeof SETTING_ENV & Exclude<keyof RoleFileSettings, 'model' | 'apiKeyEnv'>): Found | undefined => {
    const { own, global } = lookup(env, role, key);
    return own ?? fileField(key, fr, role) ?? global ?? fileField(key, fd, 'default');
  };
  const out: RoleSettings = { timeoutMs: 0, outputMode: 'json_schema' };

  const base = pick('baseURL');
  if (base) out.baseURL = parseBaseUrl(base.from, base.value);

  // The key: the role's variable, the role's apiKeyEnv, OPENAI_API_KEY, the default apiKeyEnv.
  const keys = lookup(env, role, 'apiKey');
  const fromFileEnv = (entry: RoleFileSettings, name: string): Found | undefined => {
    if (!entry.apiKeyEnv) return undefined;
    const v = envValue(env, entry.apiKeyEnv);
    if (!v) throw new ModelConfigError(`aime.config models.${name}.apiKeyEnv names ${entry.apiKeyEnv}, which is not set`);
    return { value: v, from: entry.apiKeyEnv };
  };
  const key = keys.own ?? fromFileEnv(fr, role) ?? keys.global ?? fromFileEnv(fd, 'default');
  // Not enumerable: a spread, JSON.stringify or inspect of the settings cannot leak the key.
  if (key) Object.defineProperty(out, 'apiKey', { value: key.value, enumerable: false, writable: false });

  const t = pick('temperature');
  if (t) out.temperature = num(t.from, t.value, 0, 2, false);
  const mt = pick('maxTokens');
  if (mt) out.maxTokens = num(mt.from, mt.value, 1, 1_000_000, true);
  const to = pick('timeoutMs');
  out.timeoutMs = to ? num(to.from, to.value, 1, 3_600_000, true) : isReasoningModel(model) ? DEFAULT_REASONING_TIMEOUT_MS : DEFAULT_TIMEOUT_MS;
  const re = pick('reasoningEffort');
  if (re) {
    if (!(REASONING_EFFORTS as readonly string[]).includes(re.value)) throw new ModelConfigError(`${re.from} must be one of ${REASONING_EFFORTS.join(', ')}, got '${re.value}'`);
    out.reasoningEffort = re.value as ReasoningEffort;
  }
  const om = pick('outputMode');
  if (om && !(OUTPUT_MODES as readonly string[]).includes(om.value)) throw new ModelConfigError(`${om.from} must be one of ${OUTPUT_MODES.join(', ')}, got '${om.value}'`);
  out.outputMode = (om?.value as OutputMode | undefined) ?? 'json_schema';
  const cw = pick('contextWindow');
  if (cw) out.contextWindow = num(cw.from, cw.value, 256, 10_000_000, true);
  return out;
}

/** Every role's settings. */
export function allRoleSettings(env: NodeJS.ProcessEnv, models: Record<ModelRole, { model: string }>, file?: ModelsFileSection): Record<ModelRole, RoleSettings> {
  const out = {} as Record<ModelRole, RoleSettings>;
  for (const role of MODEL_ROLES) out[role] = roleSettings(env, role, models[role].model, file);
  return out;
}
