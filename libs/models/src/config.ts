import { inspect } from 'node:util';
import type { ModelInfo } from '@aime/protocol';
import { ModelConfigError } from './errors.ts';
import { DEFAULT_PRICES, type ModelPrice, type PriceTable } from './prices.ts';
import { allRoleSettings, ModelsFileSection, parseBaseUrl, type RoleSettings } from './role-settings.ts';
import { MODEL_ROLES, type ModelRole } from './roles.ts';
import { parseModelSpec, type ModelSpec } from './spec.ts';

/** Where a `sim` model is reached when `AIME_SIM_URL` is unset (the sim CLI's default port). */
export const DEFAULT_SIM_URL = 'http://127.0.0.1:7401/v1';
/** @default 60000 */
export const DEFAULT_MODEL_TIMEOUT_MS = 60_000;
/** @default 3 */
export const DEFAULT_MODEL_MAX_RETRIES = 3;
/** The model when `OPENAI_API_KEY` is set and `AIME_MODEL` is not. */
export const DEFAULT_OPENAI_MODEL = 'openai:gpt-4o-mini';

/**
 * Everything needed to build the runtime's chat models. Holds the API key: never log it
 * as is. `JSON.stringify` and `console.log` of a config from {@link modelsConfigFromEnv}
 * show {@link describeModelsConfig} instead, and the key itself is not enumerable.
 */
export interface ModelsConfig {
  models: Record<ModelRole, ModelSpec>;
  openai: { apiKey?: string; baseURL?: string };
  /** Base URL of the sim server, ending in `/v1`. */
  simURL: string;
  timeoutMs: number;
  maxRetries: number;
  /** Built-in prices merged with `AIME_MODEL_PRICES`. */
  prices: PriceTable;
  /** Endpoint and call settings per role (base URL, key, temperature, output mode...). */
  roles: Record<ModelRole, RoleSettings>;
  /**
   * Model specs a caller may pick per mission (`model` in `POST /v1/missions`), from
   * `AIME_ALLOWED_MODELS`; empty: no override allowed. @default []
   */
  allowedModels: string[];
}

/** The loggable view of a {@link ModelsConfig}: no key, no credentials in URLs. */
export interface ModelsConfigDescription {
  models: Record<ModelRole, string>;
  simulated: boolean;
  simURL: string;
  openaiBaseURL?: string;
  openaiApiKey: 'set' | 'unset';
  timeoutMs: number;
  maxRetries: number;
  /** Per role: endpoint (redacted), whether a key is set, and call settings. */
  roles: Record<ModelRole, Omit<RoleSettings, 'apiKey'> & { apiKey: 'set' | 'unset' }>;
  allowedModels: string[];
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function parseUrl(name: string, value: string): string {
  try {
    return parseBaseUrl(name, value);
  } catch (err) {
    throw new ModelConfigError(`${(err as Error).message.replace(name, `${name}='${redactUrl(value)}'`)}`);
  }
}

function parseInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = envValue(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ModelConfigError(`${name} must be an integer in ${min}..${max}, got '${raw}'`);
  return n;
}

function parsePrices(raw: string | undefined): PriceTable {
  if (raw === undefined) return DEFAULT_PRICES;
  const example = 'e.g. {"gpt-4o-mini":{"promptPer1M":0.15,"completionPer1M":0.6,"cachedPromptPer1M":0.075}}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ModelConfigError(`AIME_MODEL_PRICES is not valid JSON (${(err as Error).message}): ${example}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ModelConfigError(`AIME_MODEL_PRICES must be a JSON object of model → price: ${example}`);
  const out: Record<string, ModelPrice> = { ...DEFAULT_PRICES };
  for (const [model, price] of Object.entries(parsed)) {
    const p = price as Partial<ModelPrice> | null;
    const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (typeof p !== 'object' || p === null || !ok(p.promptPer1M) || !ok(p.completionPer1M) || (p.cachedPromptPer1M !== undefined && !ok(p.cachedPromptPer1M))) {
      throw new ModelConfigError(`AIME_MODEL_PRICES["${model}"] must be { promptPer1M, completionPer1M, cachedPromptPer1M? } with non-negative numbers: ${example}`);
    }
    const key = model.startsWith('openai:') ? model.slice('openai:'.length) : model;
    out[key] = {
      promptPer1M: p.promptPer1M as number,
      completionPer1M: p.completionPer1M as number,
      ...(p.cachedPromptPer1M !== undefined ? { cachedPromptPer1M: p.cachedPromptPer1M } : {}),
    };
  }
  return out;
}

const ROLE_ENV: Record<ModelRole, string> = { planner: 'AIME_PLANNER_MODEL', factory: 'AIME_FACTORY_MODEL', actor: 'AIME_ACTOR_MODEL' };

/**
 * Reads the model configuration from the environment (see API.md and docs/models.md):
 * `AIME_MODEL` (default `sim` without `OPENAI_API_KEY`, else `openai:gpt-4o-mini`), per-role
 * `AIME_PLANNER_MODEL`, `AIME_FACTORY_MODEL`, `AIME_ACTOR_MODEL`; `OPENAI_API_KEY`,
 * `OPENAI_BASE_URL`; per role `AIME_<ROLE>_BASE_URL`, `_API_KEY`, `_TEMPERATURE`,
 * `_MAX_TOKENS`, `_TIMEOUT_MS`, `_REASONING_EFFORT`, `_OUTPUT_MODE`, `_CONTEXT_WINDOW` (each
 * with a global `AIME_MODEL_TEMPERATURE`, `AIME_MODEL_MAX_TOKENS`, `AIME_MODEL_TIMEOUT_MS`,
 * `AIME_REASONING_EFFORT`, `AIME_OUTPUT_MODE`, `AIME_CONTEXT_WINDOW`); `AIME_SIM_URL` (default
 * http://127.0.0.1:7401/v1); `AIME_MODEL_MAX_RETRIES` (default 3); `AIME_MODEL_PRICES` (JSON,
 * merged over the built-ins); `AIME_ALLOWED_MODELS` (specs callers may pick per mission).
 * @param file the `models` section of `aime.config.*`; the environment wins over it.
 * @throws ModelConfigError (code `model_config`) naming the variable and how to fix it.
 */
export function modelsConfigFromEnv(env: NodeJS.ProcessEnv, file?: unknown): ModelsConfig {
  const section = parseFileSection(file);
  const apiKey = envValue(env, 'OPENAI_API_KEY');
  const baseURL = envValue(env, 'OPENAI_BASE_URL');
  const fileDefault = section.default?.model;
  const fallbackSpec = envValue(env, 'AIME_MODEL') ?? fileDefault ?? (apiKey ? DEFAULT_OPENAI_MODEL : 'sim');
  const fallbackSource = envValue(env, 'AIME_MODEL') ? 'AIME_MODEL' : fileDefault ? 'aime.config models.default.model' : 'the default model';
  const models = {} as Record<ModelRole, ModelSpec>;
  for (const role of MODEL_ROLES) {
    const own = envValue(env, ROLE_ENV[role]);
    const fromFile = section[role]?.model;
    const spec = parseModelSpec(own ?? fromFile ?? fallbackSpec, own ? ROLE_ENV[role] : fromFile ? `aime.config models.${role}.model` : fallbackSource);
    models[role] = spec;
  }
  const roles = allRoleSettings(env, models, section);
  for (const role of MODEL_ROLES) {
    const spec = models[role];
    if (spec.provider === 'openai' && !roles[role].apiKey && !roles[role].baseURL) {
      throw new ModelConfigError(
        `the ${role} model '${spec.spec}' needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server that needs no key, ` +
          `or AIME_${role.toUpperCase()}_API_KEY / AIME_${role.toUpperCase()}_BASE_URL for this role alone); ` +
          `set AIME_MODEL=sim to use the simulated model instead`,
      );
    }
  }
  const openai: ModelsConfig['openai'] = {};
  if (baseURL) openai.baseURL = parseUrl('OPENAI_BASE_URL', baseURL);
  // Not enumerable: a spread, JSON.stringify or inspect of the config cannot leak the key.
  if (apiKey) Object.defineProperty(openai, 'apiKey', { value: apiKey, enumerable: false, writable: false });

  const cfg: ModelsConfig = {
    models,
    openai,
    simURL: parseUrl('AIME_SIM_URL', envValue(env, 'AIME_SIM_URL') ?? DEFAULT_SIM_URL),
    timeoutMs: parseInteger(env, 'AIME_MODEL_TIMEOUT_MS', DEFAULT_MODEL_TIMEOUT_MS, 1, 3_600_000),
    maxRetries: parseInteger(env, 'AIME_MODEL_MAX_RETRIES', DEFAULT_MODEL_MAX_RETRIES, 0, 20),
    prices: parsePrices(envValue(env, 'AIME_MODEL_PRICES')),
    roles,
    allowedModels: parseAllowedModels(envValue(env, 'AIME_ALLOWED_MODELS')),
  };
  Object.defineProperty(cfg, 'toJSON', { value: () => describeModelsConfig(cfg), enumerable: false });
  Object.defineProperty(cfg, inspect.custom, { value: () => describeModelsConfig(cfg), enumerable: false });
  return cfg;
}

function parseFileSection(file: unknown): ModelsFileSection {
  if (file === undefined || file === null) return {};
  const parsed = ModelsFileSection.safeParse(file);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelConfigError(`aime.config models.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function parseAllowedModels(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => parseModelSpec(s, 'AIME_ALLOWED_MODELS').spec);
}

/** Drops user:password and the query (which may hold a token) from a URL for display. */
function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.username || url.password) {
      url.username = 'redacted';
      url.password = '';
    }
    url.search = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return '<invalid url>';
  }
}

/** A view of the config that is safe to log or show: the key reduced to set/unset. */
export function describeModelsConfig(cfg: ModelsConfig): ModelsConfigDescription {
  const out: ModelsConfigDescription = {
    models: { planner: cfg.models.planner.spec, factory: cfg.models.factory.spec, actor: cfg.models.actor.spec },
    simulated: MODEL_ROLES.some((r) => cfg.models[r].provider === 'sim'),
    simURL: redactUrl(cfg.simURL),
    openaiApiKey: cfg.openai.apiKey ? 'set' : 'unset',
    timeoutMs: cfg.timeoutMs,
    maxRetries: cfg.maxRetries,
    roles: Object.fromEntries(
      MODEL_ROLES.map((r) => {
        const { apiKey, baseURL, ...rest } = cfg.roles[r];
        return [r, { ...rest, ...(baseURL ? { baseURL: redactUrl(baseURL) } : {}), apiKey: apiKey ? 'set' : 'unset' }];
      }),
    ) as ModelsConfigDescription['roles'],
    allowedModels: cfg.allowedModels,
  };
  if (cfg.openai.baseURL) out.openaiBaseURL = redactUrl(cfg.openai.baseURL);
  return out;
}

/** The models of a mission as shown to users; `simulated` when any role uses the sim. */
export function modelInfo(cfg: ModelsConfig): ModelInfo {
  return {
    planner: cfg.models.planner.spec,
    factory: cfg.models.factory.spec,
    actor: cfg.models.actor.spec,
    simulated: MODEL_ROLES.some((r) => cfg.models[r].provider === 'sim'),
  };
}
