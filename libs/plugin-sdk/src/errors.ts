/**
 * A plugin, bundle or tool definition is wrong. Thrown at definition time, before any
 * worker advertises the tool, so a broken plugin fails at start-up rather than mid-mission.
 */
export class PluginError extends Error {
  /** Stable machine-readable code, e.g. `invalid_tool`, `duplicate_tool`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'PluginError';
    this.code = code;
  }
}

/**
 * A tool failed in a way the model should read and act on ("the 09:00 Nozomi is sold
 * out; search for a later train"). `runTool` turns it into `{ ok: false }` with this
 * message, so write it for the model.
 */
export class ToolError extends Error {
  /** Stable machine-readable code, e.g. `sold_out`, `timeout`. */
  readonly code: string;
  /** Whether calling the tool again with the same input may succeed. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ToolError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
