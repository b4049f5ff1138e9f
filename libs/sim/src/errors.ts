/**
 * Errors of the simulated model server. Each carries a stable `code`; `param` names the
 * offending request field the way OpenAI's error bodies do.
 */
export class SimError extends Error {
  readonly code: string;
  readonly param: string | null;
  constructor(code: string, message: string, param: string | null = null) {
    super(message);
    this.name = 'SimError';
    this.code = code;
    this.param = param;
  }
}

/** A request the server rejects with 400, like a real OpenAI-compatible server would. */
export class SimRequestError extends SimError {
  constructor(message: string, param: string | null = null) {
    super('invalid_request', message, param);
    this.name = 'SimRequestError';
  }
}

/** Invalid `startSimServer` options, thrown before anything listens. */
export class SimOptionsError extends SimError {
  constructor(message: string) {
    super('sim_options', message);
    this.name = 'SimOptionsError';
  }
}

/** OpenAI's error body shape: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Builds an OpenAI-style error body. */
export function openAIError(message: string, type: string, param: string | null = null, code: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}
