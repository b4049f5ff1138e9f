/**
 * Invalid model configuration (env or options). The user must fix it; retrying cannot help.
 * Thrown up front, before any model call.
 */
export class ModelConfigError extends Error {
  readonly code = 'model_config';
  constructor(message: string) {
    super(message);
    this.name = 'ModelConfigError';
  }
}
