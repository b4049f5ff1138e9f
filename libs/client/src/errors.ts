/**
 * Codes the client itself gives, besides the server's stable codes (`validation_failed`,
 * `unauthorized`, `forbidden`, `not_found`, `conflict`, `rate_limited`, ...).
 */
export const CLIENT_ERROR_CODES = {
  /** The server could not be reached (refused, reset, DNS, TLS). */
  network: 'network_error',
  /** The server answered something this client cannot read (another version, a proxy page). */
  badResponse: 'bad_response',
  /** The caller's AbortSignal fired. */
  aborted: 'aborted',
  /** A bounded wait (awaitMission's `timeoutMs`) ran out. */
  timeout: 'timeout',
} as const;

/**
 * Every failure of @aime/client: the server's stable `code` (from `{ error: { code } }`), or
 * one of {@link CLIENT_ERROR_CODES}. Match on `code`, not on the message.
 */
export class AimeError extends Error {
  override readonly name = 'AimeError';
  constructor(
    /** A stable code: the server's, or `network_error` / `bad_response` / `aborted` / `timeout`. */
    readonly code: string,
    message: string,
    /** The HTTP status; 0 when no answer came. */
    readonly status = 0,
    /** The server's `details` (e.g. the field paths of a validation error). */
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether trying again later can help: no answer, a rate limit, or a server-side failure. */
  get retryable(): boolean {
    return this.code === CLIENT_ERROR_CODES.network || this.status === 429 || this.status >= 500;
  }
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');
}

export function abortedError(): AimeError {
  return new AimeError(CLIENT_ERROR_CODES.aborted, 'the request was aborted');
}
