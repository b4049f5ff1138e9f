import { describe, it, expect, vi, afterEach } from 'vitest';
import { coalesce, createBatcher } from '../src/lib/batcher.ts';
import type { Scheduler } from '../src/lib/batcher.ts';

/** A scheduler the test runs by hand, standing in for requestAnimationFrame. */
function manualScheduler() {
  const queue: (() => void)[] = [];
  const schedule: Scheduler = (run) => {
    queue.push(run);
    return () => {
      const i = queue.indexOf(run);
      if (i >= 0) queue.splice(i, 1);
    };
  };
  return { schedule, pending: () => queue.length, runFrame: () => queue.splice(0).forEach((r) => r()) };
}

describe('createBatcher', () => {
  it('hands a burst over in one flush per frame', () => {
    const frames = manualScheduler();
    const flushes: number[][] = [];
    const b = createBatcher<number>((items) => flushes.push(items), frames.schedule);
    for (let i = 0; i < 50; i++) b.push(i);
    expect(frames.pending()).toBe(1);
    frames.runFrame();
    b.push(50);
    frames.runFrame();
    expect(flushes.map((f) => f.length)).toEqual([50, 1]);
    expect(flushes[0]?.[49]).toBe(49);
  });

  it('flushes on demand and cancels the scheduled frame', () => {
    const frames = manualScheduler();
    const flushes: string[][] = [];
    const b = createBatcher<string>((items) => flushes.push(items), frames.schedule);
    b.push('a');
    b.flush();
    expect(flushes).toEqual([['a']]);
    expect(frames.pending()).toBe(0);
  });

  it('drops pending items on dispose', () => {
    const frames = manualScheduler();
    const flushes: string[][] = [];
    const b = createBatcher<string>((items) => flushes.push(items), frames.schedule);
    b.push('a');
    b.dispose();
    frames.runFrame();
    b.flush();
    expect(flushes).toEqual([]);
  });
});

describe('coalesce', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once for many calls within the window', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const c = coalesce(fn, 300);
    for (let i = 0; i < 10; i++) c.call();
    vi.advanceTimersByTime(300);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('still fires during a steady stream of calls, unlike a resetting debounce', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const c = coalesce(fn, 300);
    // 50 calls per second for one second.
    for (let t = 0; t < 1000; t += 20) {
      c.call();
      vi.advanceTimersByTime(20);
    }
    expect(fn.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('does not fire after cancel', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const c = coalesce(fn, 300);
    c.call();
    c.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
  });
});
