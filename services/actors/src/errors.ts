/** Stable codes of actor worker errors. */
export type ActorErrorCode =
  | 'invalid_option'
  | 'plugin_setup_failed'
  | 'duplicate_tool'
  | 'spec_not_found'
  | 'bundle_unavailable'
  | 'model_failed';

/** An error of the actor worker; match on `code`, not on the message. */
export class ActorError extends Error {
  override readonly name = 'ActorError';
  readonly code: ActorErrorCode;

  constructor(code: ActorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
