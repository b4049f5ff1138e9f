import { createLogUpdate } from 'log-update';
import type { AimeClient, ConnectionChange } from '@aime/client';
import { renderFrame, noteLine, taskChangeLine } from './watch-render.ts';
import { applyEvent, initialWatchState, visibleTasks, type WatchState } from './watch-state.ts';
import { EXIT } from './usage-error.ts';

export interface WatchOptions {
  client: AimeClient;
  missionId: string;
  /** Print each event as one JSON line instead of the live view. */
  json: boolean;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  /** @default out.isTTY && !NO_COLOR */
  color?: boolean;
  signal?: AbortSignal;
}

/** The exit code for a finished mission: 0 succeeded, 1 failed, 2 cancelled. */
export function exitCodeFor(state: WatchState): number {
  if (!state.finished) return EXIT.error;
  return state.finished.status === 'succeeded' ? EXIT.ok : state.finished.status === 'failed' ? EXIT.failed : EXIT.cancelled;
}

/**
 * Follows a mission until it finishes and returns the exit code of its outcome. On a terminal
 * the task list and progress bar are redrawn in place (log-update) as events arrive; otherwise
 * one line per change is printed (a task's new status, a replan, an approval), so the output
 * of `aime watch > file` reads as a log. The event stream resumes by itself after a dropped connection.
 */
export async function watchMission(opts: WatchOptions): Promise<number> {
  const state = initialWatchState(opts.missionId);
  const connection = (change: ConnectionChange) => {
    reconnecting = change.state === 'retrying' ? `connection lost (${change.error.message}); retrying in ${change.delayMs} ms` : undefined;
    if (!live && reconnecting) opts.err.write(`aime: ${reconnecting}\n`);
  };
  let reconnecting: string | undefined;
  const live = opts.out.isTTY === true && !opts.json;
  const stream = opts.client.stream(opts.missionId, { onConnection: connection, ...(opts.signal ? { signal: opts.signal } : {}) });

  if (opts.json) {
    for await (const e of stream) {
      applyEvent(state, e);
      opts.out.write(`${JSON.stringify(e)}\n`);
    }
    return exitCodeFor(state);
  }

  if (!live) {
    const printed = new Map<string, string>();
    let notesPrinted = 0;
    for await (const e of stream) {
      applyEvent(state, e);
      if (e.type === 'mission.created') opts.out.write(`mission ${state.missionId}: ${state.goal}\n`);
      for (const t of visibleTasks(state)) {
        if (printed.get(t.id) === `${t.status}:${t.attempts}`) continue;
        printed.set(t.id, `${t.status}:${t.attempts}`);
        opts.out.write(`${taskChangeLine(t)}\n`);
      }
      for (; notesPrinted < state.noteCount; notesPrinted++) {
        const n = state.notes[state.notes.length - (state.noteCount - notesPrinted)];
        if (n) opts.out.write(`${noteLine(n)}\n`);
      }
    }
    if (state.finished) {
      opts.out.write(`mission ${state.finished.status}\n`);
      if (state.finished.answer) opts.out.write(`${state.finished.answer}\n`);
      if (state.finished.error) opts.out.write(`${state.finished.error}\n`);
    }
    return exitCodeFor(state);
  }

  const color = opts.color ?? !process.env.NO_COLOR;
  const draw = createLogUpdate(opts.out, { showCursor: false });
  let tick = 0;
  const frame = () => {
    const text = renderFrame(state, { columns: opts.out.columns || 100, color, tick, maxTasks: Math.max(5, (opts.out.rows || 40) - 14) });
    return reconnecting ? `${text}\n\n  ⚠ ${reconnecting}` : text;
  };
  // The spinner turns between events too; redraws are cheap (log-update rewrites only this block).
  const timer = setInterval(() => {
    tick++;
    draw(frame());
  }, 120);
  try {
    for await (const e of stream) {
      applyEvent(state, e);
      draw(frame());
    }
  } finally {
    clearInterval(timer);
    draw(frame());
    draw.done();
  }
  return exitCodeFor(state);
}
