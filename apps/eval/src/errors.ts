/**
 * A mistake in how the harness was called (arguments, suite file, options): the CLI prints
 * the message on one line (or one line per bad suite line) and exits 2.
 */
export class UsageError extends Error {
  readonly code = 'eval_usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Thrown by a checker (or by the world reader it calls) when it cannot decide here, e.g. the
 * travel world's records are out of reach in `--url` mode: the goal is reported as skipped
 * with this reason, neither passed nor failed.
 */
export class SkipCheck extends Error {
  readonly code = 'eval_skip';
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipCheck';
  }
}
