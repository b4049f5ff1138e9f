/** Stable codes of store errors; match on these, not on messages. */
export type StoreErrorCode = 'stale_write' | 'not_found' | 'conflict' | 'invalid' | 'lock_lost' | 'corrupt';

/**
 * An error of the mission store. `stale_write` (a compare-and-set lost: retry after
 * re-reading), `not_found` (no such mission or item), `conflict` (it exists already),
 * `invalid` (bad input: a bug in the caller, retrying will not help), `lock_lost` (a fenced
 * write whose lock another holder took over: nothing was written), `corrupt` (a stored record
 * does not match its schema: data damaged or written by something else; retrying will not help).
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  /** For `stale_write`: `{ expected, actual }`; otherwise whatever helps to debug. */
  readonly details?: Record<string, unknown>;

  constructor(code: StoreErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** True when `err` is a StoreError (optionally of the given code), also across module copies. */
export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'StoreError' && typeof e.code === 'string' && (code === undefined || e.code === code);
}
