import { z } from 'zod';
import { DEFAULT_BUDGET_CEILINGS } from '@aime/core';
import { DEFAULT_MODEL_MAX_RETRIES, DEFAULT_MODEL_TIMEOUT_MS, DEFAULT_SIM_URL, MODEL_ROLES, OUTPUT_MODES, REASONING_EFFORTS } from '@aime/models';
import { duration, flag, int, jsonObject, list, num, oneOf, text, url, type EnvGroup } from './env-kinds.ts';

/** pino's levels, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How long a service may drain after SIGTERM before it exits anyway. @default 10000 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

const g = <G extends EnvGroup>(group: G) => ({ group });

/**
 * Every environment variable the runtime reads that has one meaning for all processes, with
 * its default and what is allowed. Parsed once at the edge ({@link loadEnv}); the typed
 * result is passed down. Per-role model settings and per-role recovery settings follow the
 * same pattern and live in {@link ROLE_ENV_SHAPE}.
 */
export const ENV_SHAPE = {
  // The process
  REDIS_URL: url({ ...g('process'), protocols: ['redis:', 'rediss:'], commaList: true, describe: 'The Redis every service shares. `npm start` uses it when set, else 127.0.0.1:6379, else starts a redis-server from PATH. With AIME_REDIS_CLUSTER, the seed nodes of the cluster as a comma list (`redis://10.0.0.1:7000,redis://10.0.0.2:7000`; user, password and `rediss:` of the first apply to all).' }),
  AIME_REDIS_CLUSTER: flag({ ...g('process'), describe: 'Connect every service, BullMQ and the plugins to a Redis Cluster (ioredis `Cluster`) seeded from REDIS_URL. Global keys then carry hash tags (`<prefix>{index}:`, `{feed}`, `{registry}`, `{active}`) and each BullMQ queue its own (`{<prefix>bull:<queue>}`); see docs/deploy.md.' }),
  AIME_PREFIX: text({ ...g('process'), default: 'aime:', pattern: /^[^{}\s]+$/, allowed: 'text without braces or spaces', describe: 'Put before every Redis key of this deployment (BullMQ queues use `<prefix>bull`); deployments sharing one Redis need different prefixes.' }),
  LOG_LEVEL: oneOf({ ...g('process'), values: LOG_LEVELS, default: 'info', describe: 'Lowest level written to the JSON log on stdout.' }),
  AIME_CONFIG: text({ ...g('process'), allowed: 'a file path', describe: 'The config file (JSON, or a .ts/.js module with a default export), relative to the working directory. Unset: the first of aime.config.json, .ts, .js there.' }),
  AIME_SHUTDOWN_TIMEOUT_MS: int({ ...g('process'), min: 100, max: 600_000, default: DEFAULT_SHUTDOWN_TIMEOUT_MS, describe: 'After SIGTERM or SIGINT a service stops taking work and drains for at most this long (running jobs finish or go back to their queue, sockets are told to reconnect), then exits. Keep it below the grace period of your process manager (Docker: stop_grace_period, default 10 s).' }),

  // The API server (commander)
  AIME_HOST: text({ ...g('api'), default: '127.0.0.1', allowed: 'a host name or IP address', describe: 'Address the API, dashboard and socket.io gateway listen on. `0.0.0.0` in a container; then set AIME_API_KEYS (or use the printed token) and AIME_ALLOWED_HOSTS.' }),
  AIME_PORT: int({ ...g('api'), min: 0, max: 65_535, default: 7400, describe: 'Port of the API and dashboard; 0 picks a free one.' }),

  // Who may call it
  AIME_API_KEYS: text({ ...g('security'), secret: true, pattern: /^\s*[^:,\s]{16,}:(caller|operator)\s*(,\s*[^:,\s]{16,}:(caller|operator)\s*)*$/, allowed: 'a comma list of key:role, keys of 16+ characters, role caller or operator', describe: 'API keys and their roles. Unset: the commander generates an operator token at start, prints a dashboard URL carrying it, and requires it.' }),
  AIME_INSECURE_LOOPBACK: flag({ ...g('security'), describe: 'With no API keys, serve loopback clients as operators without a token (a single-user machine only).' }),
  AIME_CALLERS_MAY_APPROVE: flag({ ...g('security'), describe: 'Callers may decide the approvals of their own missions (otherwise only operators).' }),
  AIME_ALLOWED_HOSTS: list({ ...g('security'), item: 'host names', describe: 'More `Host` header values the API accepts (loopback names and the listen host always are): the name clients use to reach it, e.g. behind a proxy or a published container port.' }),
  AIME_CORS_ORIGINS: list({ ...g('security'), item: 'origins (https://app.example.com)', describe: 'Origins allowed to call the API cross-origin; CORS is off without.' }),
  AIME_CSP_IMG_SRC: list({ ...g('security'), separator: /[\s,]+/, item: 'CSP sources', describe: 'More `img-src` sources in the dashboard\'s Content-Security-Policy.' }),

  // Limits on what callers may ask for
  AIME_MAX_BUDGET_TOKENS: int({ ...g('limits'), min: 1, max: Number.MAX_SAFE_INTEGER, default: DEFAULT_BUDGET_CEILINGS.maxTokens, describe: 'Highest `budget.maxTokens` a mission may ask for.' }),
  AIME_MAX_BUDGET_COST_USD: num({ ...g('limits'), min: 0.000001, max: Number.MAX_SAFE_INTEGER, default: DEFAULT_BUDGET_CEILINGS.maxCostUsd, describe: 'Highest `budget.maxCostUsd` a mission may ask for.' }),
  AIME_MAX_BUDGET_WALL_MS: int({ ...g('limits'), min: 1, max: Number.MAX_SAFE_INTEGER, default: DEFAULT_BUDGET_CEILINGS.maxWallMs, describe: 'Highest `budget.maxWallMs` a mission may ask for.' }),
  AIME_MAX_BUDGET_PLANNER_STEPS: int({ ...g('limits'), min: 1, max: 10_000, default: DEFAULT_BUDGET_CEILINGS.maxPlannerSteps, describe: 'Highest `budget.maxPlannerSteps` a mission may ask for.' }),
  AIME_MAX_BUDGET_PARALLEL_ACTORS: int({ ...g('limits'), min: 1, max: 64, default: DEFAULT_BUDGET_CEILINGS.maxParallelActors, describe: 'Highest `budget.maxParallelActors` a mission may ask for.' }),
  AIME_MAX_MISSIONS_IN_FLIGHT_PER_CALLER: int({ ...g('limits'), min: 1, max: Number.MAX_SAFE_INTEGER, default: 20, describe: 'Missions one API key may have unfinished at once (429 beyond).' }),
  AIME_MAX_MISSIONS_PER_MINUTE: int({ ...g('limits'), min: 1, max: Number.MAX_SAFE_INTEGER, default: 60, describe: 'Missions one API key may create per minute (429 beyond).' }),
  AIME_MAX_STREAMS_PER_KEY: int({ ...g('limits'), min: 1, max: 100_000, default: 32, describe: 'Open live event streams (SSE plus socket.io subscriptions) per API key, per commander process.' }),
  AIME_MAX_STREAMS_PER_ADDRESS: int({ ...g('limits'), min: 1, max: 100_000, default: 32, describe: 'Open live event streams per client address, per commander process.' }),

  // What is kept
  AIME_RETENTION: duration({ ...g('store'), default: '7d', describe: 'How long a finished mission (every key it owns) and a mission workspace are kept.' }),
  AIME_EVENTS_MAX: int({ ...g('store'), min: 1, max: 10_000_000, default: 10_000, describe: 'Approximate cap of one mission\'s event stream (older events are trimmed).' }),

  // Workers
  AIME_PLUGINS: list({ ...g('workers'), item: 'package names or paths', describe: 'Plugins an actor worker loads, replacing the config file\'s `plugins`. Unset: the file\'s list, else @aime/plugin-travel and @aime/plugin-builtin.' }),
  AIME_ACTOR_CONCURRENCY: int({ ...g('workers'), min: 1, max: 256, default: 4, describe: 'Actor jobs one actor worker process runs at once.' }),
  AIME_ACTOR_HEARTBEAT_MS: int({ ...g('workers'), min: 10, max: 600_000, default: 2_000, describe: 'How often an actor worker renews the lease of each actor it runs (the reconciler treats a lease 3 beats old as dead).' }),
  AIME_ACTOR_MAX_OBSERVATION_CHARS: int({ ...g('workers'), min: 500, max: 1_000_000, default: 4_000, describe: 'A tool result longer than this is cut before the actor\'s model sees it.' }),
  AIME_ACTOR_HISTORY_TOKENS: int({ ...g('workers'), min: 1_000, max: 10_000_000, default: 12_000, describe: 'Estimated tokens of an actor\'s transcript kept in its prompt; older steps are summarised.' }),

  // Models
  AIME_MODEL: text({ ...g('models'), allowed: 'sim, or openai:<model>', describe: 'The model of every role. Default: sim (the simulated model) without OPENAI_API_KEY, else openai:gpt-4o-mini.' }),
  OPENAI_API_KEY: text({ ...g('models'), secret: true, describe: 'Key of the OpenAI-compatible endpoint. Never logged or shown.' }),
  OPENAI_BASE_URL: url({ ...g('models'), protocols: ['http:', 'https:'], describe: 'Base URL of an OpenAI-compatible server (Ollama, vLLM, LM Studio, OpenRouter, Azure…).' }),
  AIME_SIM_URL: url({ ...g('models'), protocols: ['http:', 'https:'], default: DEFAULT_SIM_URL, describe: 'Where the simulated model is reached. `npm start` starts one itself when this is unset and the model is sim.' }),
  AIME_MODEL_TIMEOUT_MS: int({ ...g('models'), min: 1, max: 3_600_000, default: DEFAULT_MODEL_TIMEOUT_MS, describe: 'Timeout of one model call attempt (reasoning models: 300000 unless set).' }),
  AIME_MODEL_MAX_RETRIES: int({ ...g('models'), min: 0, max: 20, default: DEFAULT_MODEL_MAX_RETRIES, describe: 'Retries of a failed model call (429s honour Retry-After).' }),
  AIME_MODEL_PRICES: jsonObject({ ...g('models'), example: '{"gpt-4o-mini":{"promptPer1M":0.15,"completionPer1M":0.6}}', describe: 'Prices per million tokens by model, merged over the built-in table; used for `usage.costUsd` and budgets.' }),
  AIME_ALLOWED_MODELS: list({ ...g('models'), item: 'model specs', describe: 'Models a caller may pick per mission (`model` in POST /v1/missions); empty: no override allowed.' }),
  AIME_MODEL_TEMPERATURE: num({ ...g('models'), min: 0, max: 2, describe: 'Temperature of every role (a role\'s own variable wins).' }),
  AIME_MODEL_MAX_TOKENS: int({ ...g('models'), min: 1, max: 1_000_000, describe: 'Completion token limit of every role.' }),
  AIME_REASONING_EFFORT: oneOf({ ...g('models'), values: REASONING_EFFORTS, describe: '`reasoning_effort` sent to every role\'s model.' }),
  AIME_OUTPUT_MODE: oneOf({ ...g('models'), values: OUTPUT_MODES, describe: 'How structured answers are asked for (json_schema by default; the runtime falls back when a server refuses).' }),
  AIME_CONTEXT_WINDOW: int({ ...g('models'), min: 256, max: 10_000_000, describe: 'Context window of every role\'s model in tokens; a call estimated above it logs a warning.' }),

  // The simulated model server (libs/sim run alone, and the sim `npm start` starts)
  AIME_SIM_HOST: text({ ...g('sim'), default: '127.0.0.1', allowed: 'a host name or IP address', describe: 'Address the standalone sim server listens on.' }),
  AIME_SIM_PORT: int({ ...g('sim'), min: 0, max: 65_535, default: 7401, describe: 'Port of the standalone sim server.' }),
  AIME_SIM_LATENCY_MS: int({ ...g('sim'), min: 0, max: 600_000, default: 0, describe: 'Delay of every sim answer (a real model takes seconds).' }),
  AIME_SIM_FAULT_RATE: num({ ...g('sim'), min: 0, max: 1, default: 0, describe: 'Share of sim requests answered with an injected fault.' }),
  AIME_SIM_FAULT_KINDS: list({ ...g('sim'), item: 'fault kinds (latency, rate_limit, server_error, hang, malformed_json, bad_tool_args, unknown_tool)', describe: 'Which faults the sim injects. Unset: all but hang.' }),
  AIME_SIM_SEED: int({ ...g('sim'), min: -2_147_483_648, max: 2_147_483_647, default: 1, describe: 'Seed of the sim\'s fault draws.' }),
  AIME_SIM_LOG: flag({ ...g('sim'), describe: 'Log every sim request.' }),
  AIME_SIM_WORLDS: list({ ...g('sim'), item: 'modules exporting simWorlds (package names or paths)', describe: 'The demo worlds the standalone sim loads. Unset: the travel demo (@aime/plugin-travel/sim).' }),
  AIME_SIM_QUIRKS: list({ ...g('sim'), item: 'provider quirks (fenced, cached_usage;share=0.8, …)', describe: 'Provider quirks the sim shows on every request (see docs/models.md).' }),

  // npm start
  AIME_REDIS_MAXMEMORY: text({ ...g('all-in-one'), default: '512mb', pattern: /^(?!0+(kb|mb|gb)?$)\d+(kb|mb|gb)?$/i, allowed: 'a size like 512mb, 2gb or a number of bytes', describe: 'Memory cap of the redis-server `npm start` starts when none answers.' }),

  // Telemetry
  OTEL_EXPORTER_OTLP_ENDPOINT: url({ ...g('telemetry'), protocols: ['http:', 'https:'], describe: 'OTLP/HTTP collector (e.g. http://127.0.0.1:4318): traces are sent to `<endpoint>/v1/traces`. Unset: no trace leaves the process.' }),
  AIME_METRICS_PORT: int({ ...g('telemetry'), min: 0, max: 65_535, describe: 'A worker process (actors, factory) serves Prometheus GET /metrics on this port. Unset: none (the commander serves its metrics on the API port, /metrics).' }),
  AIME_METRICS_HOST: text({ ...g('telemetry'), default: '127.0.0.1', allowed: 'a host name or IP address', describe: 'Address of the AIME_METRICS_PORT server; 0.0.0.0 in a container.' }),
  OTEL_SERVICE_NAME: text({ ...g('telemetry'), allowed: 'text', describe: 'service.name of the spans. Default: aime-<service> (aime-commander, aime-actors…).' }),

  // Clients (the CLI, the eval harness)
  AIME_URL: url({ ...g('client'), protocols: ['http:', 'https:'], default: 'http://127.0.0.1:7400', describe: 'The server the CLI and the eval harness talk to.' }),
  AIME_API_KEY: text({ ...g('client'), secret: true, describe: 'The key the CLI and the eval harness send (`Authorization: Bearer`).' }),
  AIME_DEBUG: flag({ ...g('client'), describe: 'The CLI prints the stack of an unexpected error.' }),
} as const;

/** The per-role model settings: `AIME_<ROLE>_<SETTING>`, falling back to the global ones. */
const ROLE_MODEL_SETTINGS = (role: string) => ({
  [`AIME_${role}_MODEL`]: text({ ...g('models'), allowed: 'sim, or openai:<model>', describe: `This role's model (falls back to AIME_MODEL).` }),
  [`AIME_${role}_BASE_URL`]: url({ ...g('models'), protocols: ['http:', 'https:'], describe: `This role's endpoint (falls back to OPENAI_BASE_URL).` }),
  [`AIME_${role}_API_KEY`]: text({ ...g('models'), secret: true, describe: `This role's key (falls back to OPENAI_API_KEY).` }),
  [`AIME_${role}_TEMPERATURE`]: num({ ...g('models'), min: 0, max: 2, describe: `This role's temperature (falls back to AIME_MODEL_TEMPERATURE).` }),
  [`AIME_${role}_MAX_TOKENS`]: int({ ...g('models'), min: 1, max: 1_000_000, describe: `This role's completion token limit (falls back to AIME_MODEL_MAX_TOKENS).` }),
  [`AIME_${role}_TIMEOUT_MS`]: int({ ...g('models'), min: 1, max: 3_600_000, describe: `This role's call timeout (falls back to AIME_MODEL_TIMEOUT_MS).` }),
  [`AIME_${role}_REASONING_EFFORT`]: oneOf({ ...g('models'), values: REASONING_EFFORTS, describe: `This role's reasoning effort (falls back to AIME_REASONING_EFFORT).` }),
  [`AIME_${role}_OUTPUT_MODE`]: oneOf({ ...g('models'), values: OUTPUT_MODES, describe: `How this role's structured answers are asked for (falls back to AIME_OUTPUT_MODE).` }),
  [`AIME_${role}_CONTEXT_WINDOW`]: int({ ...g('models'), min: 256, max: 10_000_000, describe: `This role's context window (falls back to AIME_CONTEXT_WINDOW).` }),
});

/** How fast a dead worker's job is taken over, per queue role (see @aime/queues recovery). */
const ROLE_RECOVERY_SETTINGS = (role: string) => ({
  [`AIME_${role}_LOCK_MS`]: int({ ...g('workers'), min: 1_000, max: 600_000, default: 10_000, describe: `Lock of a running job of this role, renewed every half of it; a dead process's job is free again after at most this.` }),
  [`AIME_${role}_STALLED_INTERVAL_MS`]: int({ ...g('workers'), min: 100, max: 600_000, default: 4_000, describe: `Between two checks for this role's jobs whose lock expired (they go back to the queue).` }),
  [`AIME_${role}_MAX_STALLED`]: int({ ...g('workers'), min: 0, max: 100, default: 3, describe: `Times one job of this role may be taken over from a dead worker before it fails for good.` }),
});

/** The variables that exist once per model role or queue role. Validated like the rest; passed on as text to the parsers of @aime/models and @aime/queues. */
export const ROLE_ENV_SHAPE: Record<string, z.ZodType<unknown, string | undefined>> = Object.assign(
  {},
  ...MODEL_ROLES.map((r) => ROLE_MODEL_SETTINGS(r.toUpperCase())),
  ...(['PLANNER', 'FACTORY', 'ACTOR'] as const).map((r) => ROLE_RECOVERY_SETTINGS(r)),
) as Record<string, z.ZodType<unknown, string | undefined>>;

/** The schema of the shared variables. */
export const EnvSchema = z.object(ENV_SHAPE);
/** The validated, typed values of the shared variables. */
export type AimeEnv = z.output<typeof EnvSchema>;

/** The schema of the per-role variables. */
export const RoleEnvSchema = z.object(ROLE_ENV_SHAPE);
