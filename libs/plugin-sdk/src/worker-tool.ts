import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PluginError } from './errors.ts';
import { DEFAULT_TOOL_TIMEOUT_MS } from './defaults.ts';
import type { ToolContext, WorkerToolModule } from './types.ts';
import { DEFAULT_WORKER_HEAP_MB, DEFAULT_WORKER_MAX_RESULT_CHARS, toolWorkerPool, type WorkerTarget } from './worker-pool.ts';

const EXPORT_NAME = /^[A-Za-z_$][\w$]*$/;

function fail(message: string): never {
  throw new PluginError('invalid_tool', message);
}

function moduleHref(where: string, module: unknown): string {
  let url: URL | undefined;
  if (module instanceof URL) url = module;
  else if (typeof module === 'string' && module.startsWith('file:')) url = new URL(module);
  else if (typeof module === 'string' && isAbsolute(module)) url = pathToFileURL(module);
  if (!url || url.protocol !== 'file:') {
    // A relative path would be resolved against the SDK's worker file, not the plugin's: refuse it.
    fail(`${where}: worker.module must be a file: URL or an absolute path, e.g. new URL('./my-tool.ts', import.meta.url), got ${JSON.stringify(String(module))}`);
  }
  if (!existsSync(fileURLToPath(url))) fail(`${where}: worker.module ${url.href} does not exist`);
  return url.href;
}

function intIn(where: string, field: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(`${where}: worker.${field} must be an integer ${min}..${max}, got ${String(value)}`);
  return value;
}

/** Checks a worker tool's `worker` section and resolves it. @throws PluginError `invalid_tool` */
export function workerTarget(toolName: string, spec: WorkerToolModule): WorkerTarget {
  const where = `tool "${toolName}"`;
  if (typeof spec !== 'object' || spec === null) fail(`${where}: isolation 'worker' needs worker: { module, export }`);
  if (typeof spec.export !== 'string' || !EXPORT_NAME.test(spec.export)) fail(`${where}: worker.export must name an exported function, got ${JSON.stringify(spec.export)}`);
  return {
    href: moduleHref(where, spec.module),
    exportName: spec.export,
    maxOldGenerationSizeMb: intIn(where, 'maxOldGenerationSizeMb', spec.maxOldGenerationSizeMb, 16, 4096, DEFAULT_WORKER_HEAP_MB),
    maxResultChars: intIn(where, 'maxResultChars', spec.maxResultChars, 1, 10_000_000, DEFAULT_WORKER_MAX_RESULT_CHARS),
  };
}

/**
 * The `run` of a worker tool: the call goes to the shared pool with the tool's own timeout as
 * a hard deadline, so even a direct `tool.run(...)` (not through `runTool`) cannot run on.
 * @throws PluginError `invalid_tool` when the `worker` section is wrong
 */
export function workerRun(toolName: string, spec: WorkerToolModule, timeoutMs: number | undefined): (input: unknown, ctx: ToolContext) => Promise<unknown> {
  const target = workerTarget(toolName, spec);
  const run = (input: unknown, ctx: ToolContext) =>
    toolWorkerPool().run({
      target,
      input,
      info: { toolName, missionId: ctx.missionId, taskId: ctx.taskId, actorId: ctx.actorId, idempotencyKey: ctx.idempotencyKey },
      timeoutMs: timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      signal: ctx.signal,
    });
  poolRuns.add(run);
  return run;
}

const poolRuns = new WeakSet<object>();

/** Whether `run` is a worker tool's `run` made by `defineTool`, which keeps its own deadline. */
export function keepsOwnDeadline(run: unknown): boolean {
  return typeof run === 'function' && poolRuns.has(run);
}
