import { threadId } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeToolWorkers, createMemoryToolContext, defineTool, PluginError, runTool, ToolWorkerPool, toolWorkerPool, workerTarget, type WorkerToolModule } from '@aime/plugin-sdk';

const FIXTURE = new URL('./fixtures/worker-tools.mjs', import.meta.url);

function workerTool(exportName: string, extra: Partial<WorkerToolModule> = {}, timeoutMs = 3_000) {
  return defineTool({
    name: `w_${exportName}`,
    description: `Runs ${exportName} in a worker thread.`,
    input: z.object({ chars: z.number().optional(), ms: z.number().optional(), word: z.string().optional() }),
    sideEffects: 'none',
    timeoutMs,
    isolation: 'worker',
    worker: { module: FIXTURE, export: exportName, ...extra },
  });
}

/** The longest gap between ticks of a 20 ms interval while `work` runs. */
async function longestGap<T>(work: () => Promise<T>): Promise<{ value: T; gapMs: number }> {
  let last = performance.now();
  let gapMs = 0;
  const timer = setInterval(() => {
    gapMs = Math.max(gapMs, performance.now() - last);
    last = performance.now();
  }, 20);
  try {
    const value = await work();
    return { value, gapMs: Math.max(gapMs, performance.now() - last) };
  } finally {
    clearInterval(timer);
  }
}

afterAll(() => closeToolWorkers());

describe('tools with isolation: worker', () => {
  it('runs the named export in another thread with the input and the call identity', async () => {
    const result = await runTool(workerTool('whereAmI'), { chars: 3 }, createMemoryToolContext({ missionId: 'm1', taskId: 't1', actorId: 'a1', idempotencyKey: 'k1' }));
    expect(result.ok).toBe(true);
    const output = (result as { output: { threadId: number; input: unknown; info: unknown } }).output;
    expect(output.threadId).not.toBe(threadId);
    expect(output.input).toEqual({ chars: 3 });
    expect(output.info).toEqual({ toolName: 'w_whereAmI', missionId: 'm1', taskId: 't1', actorId: 'a1', idempotencyKey: 'k1' });
  });

  it('terminates a call that never yields at its timeout, while the event loop keeps turning', async () => {
    const spin = workerTool('spin', {}, 1_000);
    await runTool(workerTool('whereAmI'), {}, createMemoryToolContext()); // warm-up: the measurement is of the stuck call
    const { value, gapMs } = await longestGap(() => runTool(spin, {}, createMemoryToolContext()));
    expect(value).toMatchObject({ ok: false, error: { code: 'timeout', retryable: false, message: 'w_spin timed out after 1000 ms and was stopped; ask for less at once.' } });
    expect(gapMs).toBeLessThan(500);
    expect(toolWorkerPool().stats().busy).toBe(0);
  }, 20_000);

  it('enforces the timeout even when run is called directly, not through runTool', async () => {
    const spin = workerTool('spin', {}, 500);
    await expect(spin.run({}, createMemoryToolContext())).rejects.toMatchObject({ name: 'ToolError', code: 'timeout' });
  }, 20_000);

  it('terminates the thread when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = runTool(workerTool('spin', {}, 60_000), {}, createMemoryToolContext({ signal: controller.signal }));
    setTimeout(() => controller.abort('mission cancelled'), 200);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'aborted' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(toolWorkerPool().stats().busy).toBe(0);
  }, 20_000);

  it('reports a thread that runs out of heap as out_of_memory, and the next call gets a fresh thread', async () => {
    const result = await runTool(workerTool('hog', { maxOldGenerationSizeMb: 32 }, 30_000), {}, createMemoryToolContext());
    expect(result).toMatchObject({ ok: false, error: { code: 'tool_failed', toolCode: 'out_of_memory' } });
    expect(!result.ok && result.error.message).toBe('w_hog ran out of memory (its limit is 32 MB) and was stopped; ask for less at once');
    expect(await runTool(workerTool('count'), {}, createMemoryToolContext())).toMatchObject({ ok: true });
  }, 40_000);

  it('refuses a result over maxResultChars in the thread that made it', async () => {
    const tool = workerTool('huge', { maxResultChars: 1_000 });
    expect(await runTool(tool, { chars: 900 }, createMemoryToolContext())).toMatchObject({ ok: true });
    const result = await runTool(tool, { chars: 5_000 }, createMemoryToolContext());
    expect(result).toMatchObject({ ok: false, error: { code: 'tool_failed', toolCode: 'result_too_large' } });
    expect(!result.ok && result.error.message).toContain('5002 characters, over the limit of 1000');
  });

  it('carries a ToolError thrown in the thread back with its code, and other errors as failures', async () => {
    expect(await runTool(workerTool('soldOut'), {}, createMemoryToolContext())).toEqual({
      ok: false,
      error: { code: 'tool_failed', toolCode: 'sold_out', retryable: true, message: 'the 09:00 Nozomi is sold out' },
    });
    expect(await runTool(workerTool('plainFailure'), {}, createMemoryToolContext())).toEqual({
      ok: false,
      error: { code: 'tool_failed', message: 'w_plainFailure failed: cannot read x of undefined' },
    });
    expect(await runTool(workerTool('notAFunction'), {}, createMemoryToolContext())).toMatchObject({ ok: false, error: { toolCode: 'worker_load_failed' } });
  });

  it('counts the timeout from when the thread has loaded its module, not from its start', async () => {
    const quick = defineTool({
      name: 'quick',
      description: 'Answers at once from a module that is slow to load.',
      input: z.object({}),
      sideEffects: 'none',
      timeoutMs: 300,
      isolation: 'worker',
      worker: { module: new URL('./fixtures/slow-load.mjs', import.meta.url), export: 'quick' },
    });
    expect(await runTool(quick, {}, createMemoryToolContext())).toEqual({ ok: true, output: 'ok' });
  }, 20_000);

  it('keeps a warm thread for the next call of the same tool', async () => {
    const count = workerTool('count');
    const first = await runTool(count, {}, createMemoryToolContext());
    const second = await runTool(count, {}, createMemoryToolContext());
    expect(first.ok && second.ok && (second.output as number) - (first.output as number)).toBe(1);
  });

  it('loads a TypeScript module through tsx, ToolErrors from the SDK included', async () => {
    const shout = defineTool({
      name: 'shout',
      description: 'Shouts a word.',
      input: z.object({ word: z.string() }),
      sideEffects: 'none',
      timeoutMs: 20_000,
      isolation: 'worker',
      worker: { module: new URL('./fixtures/typed-tool.ts', import.meta.url), export: 'shout' },
    });
    expect(await runTool(shout, { word: 'hi' }, createMemoryToolContext())).toEqual({ ok: true, output: { shouted: 'HI' } });
    expect(await runTool(shout, { word: 'forbidden' }, createMemoryToolContext())).toMatchObject({ ok: false, error: { toolCode: 'forbidden_word' } });
  }, 30_000);
});

describe('defineTool with isolation: worker', () => {
  const base = { name: 'x', description: 'A tool.', input: z.object({}), sideEffects: 'none' as const, isolation: 'worker' as const };

  it('accepts an absolute path as well as a file: URL', () => {
    expect(workerTarget('x', { module: fileURLToPath(FIXTURE), export: 'spin' }).href).toBe(FIXTURE.href);
  });

  it.each([
    [{ module: './fixtures/worker-tools.mjs', export: 'spin' }, /must be a file: URL or an absolute path/],
    [{ module: new URL('./fixtures/missing.mjs', import.meta.url), export: 'spin' }, /does not exist/],
    [{ module: FIXTURE, export: 'not a name' }, /worker.export must name an exported function/],
    [{ module: FIXTURE, export: 'spin', maxOldGenerationSizeMb: 8 }, /maxOldGenerationSizeMb must be an integer 16..4096/],
    [{ module: FIXTURE, export: 'spin', maxResultChars: 0 }, /maxResultChars must be an integer/],
  ])('refuses a wrong worker section up front: %o', (worker, message) => {
    expect(() => defineTool({ ...base, worker: worker as WorkerToolModule })).toThrow(message);
  });

  it('refuses a worker tool that also has run', () => {
    const def = { ...base, worker: { module: FIXTURE, export: 'spin' }, run: () => 1 };
    expect(() => defineTool(def as never)).toThrow(PluginError);
  });
});

describe('ToolWorkerPool', () => {
  const target = (exportName: string) => workerTarget('t', { module: FIXTURE, export: exportName });
  const info = { toolName: 't', missionId: 'm', taskId: 't', actorId: 'a', idempotencyKey: 'k' };

  it('queues calls beyond maxWorkers and runs them when a thread is free', async () => {
    const pool = new ToolWorkerPool({ maxWorkers: 1 });
    try {
      const calls = [100, 100, 100].map((ms) => pool.run({ target: target('slow'), input: { ms }, info, timeoutMs: 20_000 }));
      expect(pool.stats()).toMatchObject({ workers: 1, waiting: 2 });
      expect(await Promise.all(calls)).toEqual([100, 100, 100]);
      // A call for another target takes the room of the idle thread.
      expect(await pool.run({ target: target('count'), input: {}, info, timeoutMs: 20_000 })).toBe(1);
      expect(pool.stats().workers).toBe(1);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('close ends every thread and refuses the calls still waiting', async () => {
    const pool = new ToolWorkerPool({ maxWorkers: 1 });
    const running = pool.run({ target: target('spin'), input: {}, info, timeoutMs: 60_000 });
    const waiting = pool.run({ target: target('spin'), input: {}, info, timeoutMs: 60_000 });
    const refused = Promise.all([expect(running).rejects.toMatchObject({ code: 'aborted' }), expect(waiting).rejects.toMatchObject({ code: 'aborted' })]);
    await pool.close();
    await refused;
    expect(pool.stats()).toEqual({ workers: 0, busy: 0, waiting: 0 });
  });

  it('fails a call with worker_unavailable when no thread is ready within startTimeoutMs', async () => {
    const pool = new ToolWorkerPool({ maxWorkers: 1, startTimeoutMs: 100 });
    try {
      const slowTarget = workerTarget('t', { module: new URL('./fixtures/slow-load.mjs', import.meta.url), export: 'quick' });
      await expect(pool.run({ target: slowTarget, input: {}, info, timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'worker_unavailable', retryable: true });
      expect(pool.stats().workers).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('refuses a wrong maxWorkers', () => {
    expect(() => new ToolWorkerPool({ maxWorkers: 0 })).toThrow(/maxWorkers must be an integer 1..64/);
  });
});
