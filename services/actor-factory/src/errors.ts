/** Stable codes of Actor Factory errors. */
export type FactoryErrorCode = 'invalid_option' | 'invalid_job' | 'spec_failed';

/** An error of the Actor Factory; match on `code`, not on the message. */
export class FactoryError extends Error {
  override readonly name = 'FactoryError';
  readonly code: FactoryErrorCode;

  constructor(code: FactoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
