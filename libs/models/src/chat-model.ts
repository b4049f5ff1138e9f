import { ChatOpenAI } from '@langchain/openai';
import type { ModelsConfig } from './config.ts';
import { ModelConfigError } from './errors.ts';
import { createFailedAttemptHandler } from './retry.ts';
import type { ModelRole } from './roles.ts';

/** Per-call-site overrides of the configured limits. */
export interface ChatModelOptions {
  /** Per attempt. @default cfg.timeoutMs */
  timeoutMs?: number;
  /** Retries after the first attempt. @default cfg.maxRetries */
  maxRetries?: number;
  /** Longest Retry-After honoured before giving up. @default 60000 */
  maxRetryAfterMs?: number;
}

/** The sim ignores keys; the openai client insists on one. */
const SIM_API_KEY = 'sim';
/** For keyless local servers (Ollama, vLLM...) reached through OPENAI_BASE_URL. */
const NO_KEY = 'not-needed';

/**
 * A ChatOpenAI for one role: the sim server for `sim` specs, else OPENAI_BASE_URL (or
 * OpenAI). Retries 429/408/409/5xx, timeouts and connection errors with exponential backoff
 * and jitter, waiting for Retry-After when the server sends one (see retry.ts).
 * @throws ModelConfigError on invalid options.
 */
export function createChatModel(cfg: ModelsConfig, role: ModelRole, opts: ChatModelOptions = {}): ChatOpenAI {
  const spec = cfg.models[role];
  if (!spec) throw new ModelConfigError(`unknown model role '${String(role)}': expected planner, factory or actor`);
  const timeoutMs = opts.timeoutMs ?? cfg.timeoutMs;
  const maxRetries = opts.maxRetries ?? cfg.maxRetries;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ModelConfigError(`timeoutMs must be a positive integer, got ${String(timeoutMs)}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new ModelConfigError(`maxRetries must be a non-negative integer, got ${String(maxRetries)}`);

  const sim = spec.provider === 'sim';
  const baseURL = sim ? cfg.simURL : cfg.openai.baseURL;
  const apiKey = sim ? SIM_API_KEY : (cfg.openai.apiKey ?? (cfg.openai.baseURL ? NO_KEY : undefined));
  if (!apiKey) throw new ModelConfigError(`the ${role} model '${spec.spec}' needs OPENAI_API_KEY or OPENAI_BASE_URL`);

  return new ChatOpenAI({
    model: spec.model,
    apiKey,
    timeout: timeoutMs,
    maxRetries,
    onFailedAttempt: createFailedAttemptHandler({ role, model: spec.spec, timeoutMs, ...(opts.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: opts.maxRetryAfterMs } : {}) }),
    // Ask for usage on streams too, so every call can be accounted for.
    streamUsage: true,
    ...(baseURL ? { configuration: { baseURL } } : {}),
  });
}
