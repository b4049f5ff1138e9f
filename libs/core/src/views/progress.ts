import { isFinishedTaskStatus } from '@aime/protocol';
import type { ProgressCounts, Task } from '@aime/protocol';

/** Every field of `ProgressCounts` set. */
export type TaskCounts = Required<ProgressCounts>;

/** The tasks no other task names as its parent: the units of work progress is counted in. */
export function leafTasks<T extends Pick<Task, 'id' | 'parentId'>>(tasks: readonly T[]): T[] {
  const parents = new Set<string>();
  for (const t of tasks) if (t.parentId !== undefined && t.parentId !== t.id) parents.add(t.parentId);
  return tasks.filter((t) => !parents.has(t.id));
}

/**
 * The one progress computation of the runtime, used by the missions list, the mission page
 * and the API: leaf tasks only (a parent's status is derived from its children), `done` =
 * finished in any way, and each outcome counted apart so a failed or cancelled mission shows
 * what really happened instead of a full bar.
 */
export function taskCounts(tasks: readonly Pick<Task, 'id' | 'parentId' | 'status'>[]): TaskCounts {
  const c: TaskCounts = { done: 0, total: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0, running: 0 };
  for (const t of leafTasks(tasks)) {
    c.total += 1;
    if (isFinishedTaskStatus(t.status)) c.done += 1;
    if (t.status === 'succeeded') c.succeeded += 1;
    else if (t.status === 'failed') c.failed += 1;
    else if (t.status === 'cancelled') c.cancelled += 1;
    else if (t.status === 'skipped') c.skipped += 1;
    else if (t.status === 'running') c.running += 1;
  }
  return c;
}

/** A short line for the counts: "3/12 succeeded · 2 failed · 7 cancelled". */
export function describeCounts(c: ProgressCounts): string {
  const parts = [`${c.succeeded ?? c.done}/${c.total} succeeded`];
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.running) parts.push(`${c.running} running`);
  return parts.join(' · ');
}
