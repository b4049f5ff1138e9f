/**
 * Retry decisions for model calls.
 *
 * Checked in node_modules (@langchain/core 1.4.0, @langchain/openai 1.5.8): ChatOpenAI sets
 * the openai client's `maxRetries` to 0 and retries itself through `AsyncCaller` (p-retry:
 * exponential backoff from 1 s, factor 2, jitter ×1..2). Its default failed-attempt handler
 * does honour `Retry-After` (it sets `retryAfterMs`, and p-retry waits max(backoff, that)),
 * but only up to 60 s, it ignores `retry-after-ms`, and it gives up at once on a 429 without
 * a Retry-After header ("capacity"). So we replace that handler by hand, keeping p-retry's
 * backoff: 429/408/409/5xx, timeouts and connection errors are retried; a Retry-After
 * (or retry-after-ms) is waited for when given, up to a cap; other 4xx fail at once.
 */
import { getRetryable, stampRetryable } from '@langchain/core/errors';
import type { ModelRole } from './roles.ts';

/** The longest Retry-After we wait for; a longer one fails the call so a caller can reschedule. @default 60000 */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How long the server asks us to wait, from `retry-after-ms` (ms) or `retry-after`
 * (seconds or an HTTP date); undefined when neither is given or readable.
 */
export function retryAfterMsFrom(headers: HeaderBag | undefined, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const ra = header(headers, 'retry-after')?.trim();
  if (!ra) return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What the retry handler needs to know to explain a failure. */
export interface RetryContext {
  role: ModelRole;
  /** The model spec, for messages. */
  model: string;
  timeoutMs: number;
  /**
   * A reasoning model (or a reasoning effort is set): a timeout means the limit is too low for
   * how long it thinks, so it is not retried blindly (each retry would wait as long again).
   * @default false
   */
  reasoning?: boolean;
  /** @default DEFAULT_MAX_RETRY_AFTER_MS */
  maxRetryAfterMs?: number;
}

type CallError = Error & {
  status?: number;
  code?: unknown;
  error?: { code?: unknown };
  headers?: HeaderBag;
  response?: { status?: number; headers?: HeaderBag };
  retryAfterMs?: number;
};

function isAbort(e: CallError): boolean {
  return e.name === 'AbortError' || e.message.startsWith('Cancel') || e.message.startsWith('AbortError');
}

function isTimeout(e: CallError): boolean {
  return e.name === 'TimeoutError' || e.constructor.name === 'APIConnectionTimeoutError';
}

/**
 * An `onFailedAttempt` handler for LangChain's AsyncCaller: returns to let p-retry back off
 * and try again, throws to give up. Timeouts get code `model_timeout` and a message naming
 * the role, model and limit.
 */
export function createFailedAttemptHandler(ctx: RetryContext): (error: unknown) => void {
  const cap = ctx.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  return (error: unknown) => {
    if (!(error instanceof Error)) return;
    const e = error as CallError;
    if (isAbort(e)) throw stampRetryable(e, false);
    if (isTimeout(e)) {
      if (e.code !== 'model_timeout') {
        e.message = `the ${ctx.role} model '${ctx.model}' did not answer within ${ctx.timeoutMs} ms (${e.message})`;
        e.code = 'model_timeout';
        if (ctx.reasoning) e.message += `; reasoning models can think for minutes: raise AIME_${ctx.role.toUpperCase()}_TIMEOUT_MS`;
      }
      if (ctx.reasoning) throw stampRetryable(e, false);
      return;
    }
    const status = e.status ?? e.response?.status;
    if (status === undefined) {
      // Connection resets, malformed bodies and the like: transient until proven otherwise.
      if (getRetryable(e) === false) throw e;
      return;
    }
    const code = e.code ?? e.error?.code;
    if (status === 429 && code === 'insufficient_quota') throw stampRetryable(e, false);
    if (status === 429 || status === 408 || status === 409 || status >= 500) {
      const wait = retryAfterMsFrom(e.headers ?? e.response?.headers);
      if (wait !== undefined) {
        if (wait > cap) {
          e.message = `the ${ctx.role} model '${ctx.model}' asked to retry after ${Math.round(wait / 1000)} s, more than the ${Math.round(cap / 1000)} s we wait (${e.message})`;
          throw stampRetryable(e, false);
        }
        e.retryAfterMs = wait;
      }
      stampRetryable(e, true);
      return;
    }
    throw stampRetryable(e, false);
  };
}
