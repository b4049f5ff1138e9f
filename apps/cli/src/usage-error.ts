/** A mistake in the command line: printed as one line, exit code 3, never a stack trace. */
export class UsageError extends Error {
  readonly code = 'usage';
  override readonly name = 'UsageError';
}

/** Exit codes of every `aime` command (watch: the mission's outcome). */
export const EXIT = {
  ok: 0,
  /** The watched mission failed. */
  failed: 1,
  /** The watched mission was cancelled. */
  cancelled: 2,
  /** A usage, connection or server error. */
  error: 3,
} as const;
