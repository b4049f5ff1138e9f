import type { Task, TaskGraph, TaskStatus } from '@aime/protocol';
import { effectiveDependencies, indexGraph, isLeaf } from './graph-index.ts';
import type { GraphIndex } from './graph-index.ts';
import { satisfiesDependency } from './transitions.ts';
import { taskCounts } from './views/progress.ts';

function leavesWith(graph: TaskGraph, status: TaskStatus): Task[] {
  const ix = indexGraph(graph.tasks);
  return graph.tasks.filter((t) => t.status === status && isLeaf(ix, t.id));
}

/** Ready leaf tasks, in graph order: what can be dispatched now. */
export function readyTasks(graph: TaskGraph): Task[] {
  return leavesWith(graph, 'ready');
}

/** Running leaf tasks, in graph order (parents only carry a derived `running`). */
export function runningTasks(graph: TaskGraph): Task[] {
  return leavesWith(graph, 'running');
}

/**
 * The ready leaves to dispatch now, in graph order, so that running + selected never
 * exceeds `maxParallel` (nothing when already at or over it).
 */
export function selectDispatchable(graph: TaskGraph, maxParallel: number): string[] {
  const free = Math.floor(maxParallel) - runningTasks(graph).length;
  if (!(free > 0)) return [];
  return readyTasks(graph).slice(0, free).map((t) => t.id);
}

/** Leaf counts for progress bars: `done` counts succeeded, skipped, failed and cancelled leaves. */
export function progressCounts(graph: TaskGraph): { done: number; total: number } {
  const { done, total } = taskCounts(graph.tasks);
  return { done, total };
}

/**
 * Whether a dependency can still become satisfied without the planner stepping in:
 * succeeded/skipped already are; a running or ready leaf will finish; a pending leaf can
 * if all it waits on can; a parent can if all its children can. Blocked, failed and
 * cancelled tasks cannot.
 */
function canComplete(ix: GraphIndex, id: string, memo: Map<string, boolean>): boolean {
  const known = memo.get(id);
  if (known !== undefined) return known;
  memo.set(id, false); // guards against loops in corrupt graphs
  const t = ix.byId.get(id);
  let ok = false;
  if (t) {
    if (satisfiesDependency(t.status)) ok = true;
    else if (!isLeaf(ix, id)) ok = (ix.children.get(id) ?? []).every((c) => canComplete(ix, c.id, memo));
    else if (t.status === 'running' || t.status === 'ready') ok = true;
    else if (t.status === 'pending') ok = effectiveDependencies(ix, id).every((d) => canComplete(ix, d.id, memo));
  }
  memo.set(id, ok);
  return ok;
}

/**
 * Whether nothing can move any more without the planner: no leaf is running or ready, and
 * every pending leaf waits (directly or through its parents) on something blocked, failed
 * or cancelled. A settled graph with unfinished work needs replanning or a `finish`.
 */
export function isGraphSettled(graph: TaskGraph): boolean {
  const ix = indexGraph(graph.tasks);
  const memo = new Map<string, boolean>();
  return graph.tasks.every((t) => {
    if (!isLeaf(ix, t.id)) return true;
    if (t.status === 'running' || t.status === 'ready') return false;
    if (t.status === 'pending') return !canComplete(ix, t.id, memo);
    return true;
  });
}
