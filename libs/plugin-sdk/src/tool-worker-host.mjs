// The code that runs inside a tool's worker thread (see worker-pool.ts).
// Plain JavaScript on purpose: a worker started from a .ts file would need a TypeScript loader,
// and neither tsx (`tsx main.ts`) nor vitest hands theirs to worker threads. A tool module in
// TypeScript is loaded through tsx's API, registered here only when such a module is asked for.
import { URL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ module: string; exportName: string }} */
const { module: moduleHref, exportName } = workerData;

/** @type {Promise<Function> | undefined} */
let loaded;

function load() {
  loaded ??= (async () => {
    if (/\.[mc]?tsx?$/.test(new URL(moduleHref).pathname)) {
      const { register } = await import('tsx/esm/api');
      register();
    }
    const mod = await import(moduleHref);
    const fn = mod[exportName];
    if (typeof fn !== 'function') {
      throw Object.assign(new Error(`${moduleHref} has no exported function "${exportName}"`), { name: 'ToolError', code: 'worker_load_failed' });
    }
    return fn;
  })();
  return loaded;
}

/** An error as plain data; a ToolError (by name, from any copy of the SDK) keeps code and retryable. */
function describe(err) {
  if (err instanceof Error) {
    const code = typeof err.code === 'string' ? err.code : undefined;
    return { name: err.name, message: err.message, code, retryable: err.retryable === true };
  }
  return { name: 'Error', message: String(err) };
}

parentPort.on('message', async (msg) => {
  const { id, input, info, maxResultChars } = msg;
  try {
    const fn = await load();
    const output = await fn(input, info);
    // Stringified here, so an oversized result is refused in the thread that made it and the
    // main thread only ever copies a bounded string.
    const json = JSON.stringify(output);
    if (json !== undefined && json.length > maxResultChars) {
      throw Object.assign(
        new Error(`${info.toolName} produced a result of ${json.length} characters, over the limit of ${maxResultChars}; ask for less at once`),
        { name: 'ToolError', code: 'result_too_large' },
      );
    }
    parentPort.postMessage({ type: 'result', id, ok: true, json });
  } catch (err) {
    parentPort.postMessage({ type: 'result', id, ok: false, error: describe(err) });
  }
});

// Loaded before the first call, so the call's time limit is spent on the call, not on imports;
// a failed import is reported by each call.
load().then(
  () => parentPort.postMessage({ type: 'loaded' }),
  () => parentPort.postMessage({ type: 'loaded' }),
);
