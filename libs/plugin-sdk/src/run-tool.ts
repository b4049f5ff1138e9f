import { errorMessage } from '@aime/protocol';
import { PluginError, ToolError } from './errors.ts';
import { formatIssues } from './format-issues.ts';
import type { ToolContext, ToolDefinition, ToolResult } from './types.ts';
import { DEFAULT_TOOL_TIMEOUT_MS } from './defaults.ts';
import { keepsOwnDeadline } from './worker-tool.ts';

export { DEFAULT_TOOL_TIMEOUT_MS };
/** Default size limit, in JSON characters, of an output handed back to the model. */
export const DEFAULT_MAX_OUTPUT_CHARS = 8_000;
const MAX_PREVIEW_CHARS = 2_000;

/** Options of `runTool`. */
export interface RunToolOptions {
  /** Outputs whose JSON is longer are stored as an artifact and replaced by a preview. @default 8000 */
  maxOutputChars?: number;
}

type Failure = Extract<ToolResult, { ok: false }>;

function failure(code: Failure['error']['code'], message: string, extra: { retryable?: boolean; toolCode?: string } = {}): Failure {
  return { ok: false, error: { code, message, ...extra } };
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'cancelled';
}

function abortedResult(tool: ToolDefinition, reason: unknown): Failure {
  return failure('aborted', `${tool.name} was stopped before it finished: ${reasonText(reason)}`);
}

function thrownResult(tool: ToolDefinition, err: unknown): Failure {
  // A worker tool's deadline is kept by its thread pool, which reports it as a ToolError.
  if (err instanceof ToolError && err.code === 'timeout' && keepsOwnDeadline(tool.run)) return failure('timeout', err.message, { retryable: err.retryable });
  if (err instanceof ToolError) return failure('tool_failed', err.message, { retryable: err.retryable, toolCode: err.code });
  const detail = errorMessage(err);
  return failure('tool_failed', `${tool.name} failed: ${detail}`);
}

/**
 * Runs the tool with its own AbortSignal, aborted when the caller's signal aborts or the
 * time limit passes. The tool's promise is not awaited after that: a tool that ignores
 * its signal cannot hold the actor hostage.
 */
async function invoke(tool: ToolDefinition, input: unknown, ctx: ToolContext): Promise<ToolResult> {
  const controller = new AbortController();
  const timeoutMs = tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const toolCtx: ToolContext = {
    missionId: ctx.missionId,
    taskId: ctx.taskId,
    actorId: ctx.actorId,
    idempotencyKey: ctx.idempotencyKey,
    signal: controller.signal,
    logger: ctx.logger,
    progress: (message) => ctx.progress(message),
    artifacts: ctx.artifacts,
    mission: ctx.mission,
    worldEvents: () => ctx.worldEvents(),
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<ToolResult>((resolve) => {
    onAbort = () => {
      controller.abort(ctx.signal.reason);
      resolve(abortedResult(tool, ctx.signal.reason));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // A worker tool's pool keeps its deadline, counted from when a started thread gets the call.
    if (keepsOwnDeadline(tool.run)) return;
    timer = setTimeout(() => {
      const message = `${tool.name} did not finish within ${timeoutMs} ms and was stopped; try again, or ask for less at once.`;
      controller.abort(new ToolError('timeout', message, { retryable: true }));
      resolve(failure('timeout', message, { retryable: true }));
    }, timeoutMs);
  });
  const running = (async () => tool.run(input, toolCtx))().then(
    (output): ToolResult => ({ ok: true, output }),
    (err: unknown): ToolResult => thrownResult(tool, err),
  );
  try {
    return await Promise.race([running, stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
  }
}

async function limitOutput(tool: ToolDefinition, output: unknown, ctx: ToolContext, maxOutputChars: number): Promise<ToolResult> {
  let json: string | undefined;
  try {
    json = JSON.stringify(output);
  } catch (err) {
    return failure('tool_failed', `${tool.name} returned a value that cannot be turned into JSON: ${(err as Error).message}`);
  }
  if (json === undefined || json.length <= maxOutputChars) return { ok: true, output };
  try {
    const artifact = await ctx.artifacts.put(`${tool.name}-output.json`, json, 'application/json');
    const preview = json.slice(0, Math.min(MAX_PREVIEW_CHARS, Math.floor(maxOutputChars / 2)));
    return { ok: true, output: { truncated: true, preview, artifact } };
  } catch (err) {
    return failure('tool_failed', `${tool.name} returned ${json.length} characters, over the limit of ${maxOutputChars}, and storing them as an artifact failed: ${(err as Error).message}`, { retryable: true });
  }
}

/**
 * The validated input of a call, or the `invalid_input` failure the model reads. A string is
 * parsed as JSON first (models send arguments as JSON text).
 */
export async function parseToolInput(tool: ToolDefinition, rawInput: unknown): Promise<{ ok: true; input: unknown } | Failure> {
  let candidate = rawInput;
  if (typeof rawInput === 'string') {
    try {
      candidate = JSON.parse(rawInput);
    } catch {
      return failure('invalid_input', `The arguments for ${tool.name} are not valid JSON. Send one JSON object that matches its schema.`);
    }
  }
  const parsed = await tool.input.safeParseAsync(candidate);
  if (!parsed.success) {
    return failure('invalid_input', `Invalid arguments for ${tool.name}:\n${formatIssues(parsed.error.issues)}\nFix these fields and call ${tool.name} again.`);
  }
  return { ok: true, input: parsed.data };
}

/**
 * Runs one tool call for a model. Validates input, enforces the timeout (abort + ToolError
 * code `timeout`), propagates `ctx.signal`, validates output when `output` is set, and
 * limits the output: results whose JSON is over `maxOutputChars` are stored with
 * `ctx.artifacts.put` and replaced by `{ truncated: true, preview, artifact }`.
 *
 * Never throws for tool failures: returns `{ ok: false }` with a message the model can act
 * on. A string input is parsed as JSON first (models send arguments as JSON text).
 *
 * @throws PluginError only for a wrong `opts` (a programming error).
 */
export async function runTool(tool: ToolDefinition, rawInput: unknown, ctx: ToolContext, opts: RunToolOptions = {}): Promise<ToolResult> {
  const maxOutputChars = opts.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  if (!Number.isInteger(maxOutputChars) || maxOutputChars < 1) {
    throw new PluginError('invalid_option', `maxOutputChars must be a positive integer, got ${String(maxOutputChars)}`);
  }
  if (ctx.signal.aborted) return abortedResult(tool, ctx.signal.reason);

  const parsed = await parseToolInput(tool, rawInput);
  if (!parsed.ok) return parsed;

  const result = await invoke(tool, parsed.input, ctx);
  if (!result.ok) return result;

  let output = result.output;
  if (tool.output) {
    const checked = await tool.output.safeParseAsync(output);
    if (!checked.success) {
      return failure('invalid_output', `${tool.name} returned output that does not match its declared schema (a bug in the tool, not in your arguments):\n${formatIssues(checked.error.issues)}`);
    }
    output = checked.data;
  }
  return limitOutput(tool, output, ctx, maxOutputChars);
}
