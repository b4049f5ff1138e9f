import { StoreError } from './errors.ts';

/** How long a finished mission is kept. @default 7 days */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Approximate cap of one mission's event stream. @default 10_000 */
export const DEFAULT_EVENTS_MAX = 10_000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `7d`, `12h`, `30m`, `45s`, `500ms` or plain seconds (`3600`).
 * Throws an actionable `invalid` StoreError for anything else, or for zero.
 */
export function parseDuration(value: string, what = 'AIME_RETENTION'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  const n = m ? Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000) : NaN;
  if (!Number.isFinite(n) || n < 1 || n > 10 * 365 * UNITS.d!) {
    throw new StoreError('invalid', `${what} must be a duration like 7d, 12h, 30m or a number of seconds (at most 10 years), got ${JSON.stringify(value)}`);
  }
  return Math.round(n);
}

/** Retention and stream bounds of a store, validated. */
export interface RetentionSettings {
  /** TTL every key of a finished mission gets. */
  retentionMs: number;
  /** Approximate MAXLEN of each mission's event stream. */
  eventsMax: number;
}

/**
 * Reads `AIME_RETENTION` (default 7d) and `AIME_EVENTS_MAX` (default 10000) from `env`.
 */
export function retentionFromEnv(env: Readonly<Record<string, string | undefined>>): RetentionSettings {
  const retentionMs = env.AIME_RETENTION ? parseDuration(env.AIME_RETENTION) : DEFAULT_RETENTION_MS;
  const eventsMax = env.AIME_EVENTS_MAX ? Number(env.AIME_EVENTS_MAX) : DEFAULT_EVENTS_MAX;
  assertEventsMax(eventsMax, 'AIME_EVENTS_MAX');
  return { retentionMs, eventsMax };
}

export function assertEventsMax(n: number, what = 'eventsMax'): void {
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new StoreError('invalid', `${what} must be an integer 1..10000000, got ${n}`);
}

export function assertRetention(ms: number): void {
  if (!Number.isInteger(ms) || ms < 1) throw new StoreError('invalid', `retentionMs must be a positive integer, got ${ms}`);
}
