import { afterAll, describe, expect, it } from 'vitest';
import { closeToolWorkers, createMemoryToolContext, runTool, toolWorkerPool } from '@aime/plugin-sdk';
import { createBuiltinPlugin, MATH_TIMEOUT_MS } from '@aime/plugin-builtin';
import { toolOf } from './helpers.ts';

const evaluate = (expression: string) => runTool(toolOf(createBuiltinPlugin(), 'evaluate'), { expression }, createMemoryToolContext());

/** Runs `work` while a 50 ms interval ticks; returns its result and the longest gap between ticks. */
async function whileTicking<T>(work: () => Promise<T>): Promise<{ value: T; longestGapMs: number; elapsedMs: number }> {
  const started = performance.now();
  let last = started;
  let longestGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 50);
  try {
    const value = await work();
    longestGapMs = Math.max(longestGapMs, performance.now() - last);
    return { value, longestGapMs, elapsedMs: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

// A 2^27-element nested array: far past any heap limit (the 222-character expression).
const HEAP_BOMB = `a=[1,1];${'a=[a,a];'.repeat(26)}sum(a)`;

afterAll(() => closeToolWorkers());

describe('evaluate in its worker thread', () => {
  it('times out a computation that would run for minutes, while the event loop keeps turning', async () => {
    await evaluate('1 + 1'); // a warm thread, so the measurement is of the runaway call alone
    const { value, longestGapMs, elapsedMs } = await whileTicking(() => evaluate('n=bignumber(8e6);combinations(n,n/2)'));
    expect(value).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(value).toMatchObject({ ok: false, error: { retryable: false, message: `evaluate timed out after ${MATH_TIMEOUT_MS} ms and was stopped; ask for less at once.` } });
    // Margins are wide (a shared CI machine); without the thread the loop is blocked for the whole call.
    expect(elapsedMs).toBeLessThan(MATH_TIMEOUT_MS + 3_000);
    expect(longestGapMs).toBeLessThan(500);
    expect(toolWorkerPool().stats().busy).toBe(0);
  }, 30_000);

  it('refuses an expression that fills the heap, and the process lives on', async () => {
    const { value, longestGapMs } = await whileTicking(() => evaluate(HEAP_BOMB));
    expect(value.ok).toBe(false);
    if (value.ok) return;
    expect(['out_of_memory', 'timeout']).toContain(value.error.code === 'tool_failed' ? value.error.toolCode : value.error.code);
    expect(value.error.message).toMatch(/ran out of memory|timed out|did not finish/);
    expect(longestGapMs).toBeLessThan(500);
    // The same process still computes; a fresh thread replaced the dead one.
    expect(await evaluate('2 * 21')).toMatchObject({ ok: true, output: { result: 42 } });
  }, 30_000);

  it('still answers ordinary expressions, several at once', async () => {
    const results = await Promise.all(['1 + 2', 'sqrt(81)', '5 km to m', 'mean(2, 4)'].map(evaluate));
    expect(results.map((r) => r.ok && (r.output as { result: number }).result)).toEqual([3, 9, 5000, 3]);
  });

  it('ends every thread when the tool workers are closed', async () => {
    await evaluate('1 + 1');
    expect(toolWorkerPool().stats().workers).toBeGreaterThan(0);
    await closeToolWorkers();
    expect(toolWorkerPool().stats()).toEqual({ workers: 0, busy: 0, waiting: 0 });
    expect(await evaluate('3 * 3')).toMatchObject({ ok: true, output: { result: 9 } });
  });
});
