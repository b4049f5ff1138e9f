/** Schedules a callback once; returns a function that cancels it. */
export type Scheduler = (run: () => void) => () => void;

/** How long incoming items are gathered before one flush. */
export const FLUSH_MS = 100;

/**
 * Flushes every 100ms, on an animation frame so the update lands right before a paint.
 * A frame alone would flush ~60 times a second, barely fewer renders than 50 events/s;
 * the timer still flushes where frames do not run (background tabs).
 */
export const frameScheduler: Scheduler = (run) => {
  let done = false;
  let frame: number | undefined;
  const once = () => {
    if (done) return;
    done = true;
    run();
  };
  const timer = setTimeout(() => {
    if (typeof requestAnimationFrame === 'function') {
      frame = requestAnimationFrame(once);
      // A hidden tab runs no frames: do not wait for one for long.
      setTimeout(once, FLUSH_MS);
    } else once();
  }, FLUSH_MS);
  return () => {
    done = true;
    clearTimeout(timer);
    if (frame !== undefined) cancelAnimationFrame(frame);
  };
};

/** Collects items and hands them over in one call per scheduled flush. */
export interface Batcher<T> {
  push(item: T): void;
  /** Flushes now (e.g. before unmounting). */
  flush(): void;
  /** Drops pending items and cancels the scheduled flush. */
  dispose(): void;
}

/**
 * Batches bursts (50 socket events/s) into one state update per flush so React renders
 * about ten times a second rather than once per event.
 */
export function createBatcher<T>(onFlush: (items: T[]) => void, schedule: Scheduler = frameScheduler): Batcher<T> {
  let pending: T[] = [];
  let cancel: (() => void) | undefined;
  const flush = () => {
    cancel?.();
    cancel = undefined;
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    onFlush(items);
  };
  return {
    push(item) {
      pending.push(item);
      cancel ??= schedule(flush);
    },
    flush,
    dispose() {
      cancel?.();
      cancel = undefined;
      pending = [];
    },
  };
}

/**
 * Coalesces calls: the first call schedules `fn` after `ms`, and calls before it runs join
 * that run. Unlike a resetting debounce this still fires during a steady 50/s stream.
 */
export function coalesce(fn: () => void, ms: number): { call(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    call() {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        fn();
      }, ms);
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
