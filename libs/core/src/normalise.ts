import type { Task, TaskStatus } from '@aime/protocol';
import { effectiveDependencies, indexGraph, isLeaf, statusOrder } from './graph-index.ts';
import type { GraphIndex } from './graph-index.ts';
import { canTransition, satisfiesDependency } from './transitions.ts';

/**
 * The status of a parent, derived from its children's statuses. The first rule that
 * matches wins: running (any child running), ready (any ready), pending (any pending),
 * blocked (any blocked), failed (any failed), cancelled (any cancelled), skipped (all
 * skipped), succeeded (all succeeded or skipped). So a parent only fails once none of its
 * children can still move without the planner stepping in.
 */
export function deriveParentStatus(children: readonly TaskStatus[]): TaskStatus {
  const order: TaskStatus[] = ['running', 'ready', 'pending', 'blocked', 'failed', 'cancelled'];
  for (const s of order) if (children.includes(s)) return s;
  if (children.length > 0 && children.every((s) => s === 'skipped')) return 'skipped';
  return 'succeeded';
}

/** Whether every effective dependency of a task is succeeded or skipped. */
export function dependenciesSatisfied(ix: GraphIndex, id: string, statusOf: (id: string) => TaskStatus | undefined): boolean {
  return effectiveDependencies(ix, id).every((d) => {
    const s = statusOf(d.id);
    return s !== undefined && satisfiesDependency(s);
  });
}

/** The status a task should have given the current statuses of what it waits on. */
function settledStatus(ix: GraphIndex, task: Task, statusOf: (id: string) => TaskStatus | undefined): TaskStatus {
  if (!isLeaf(ix, task.id)) {
    const kids = ix.children.get(task.id) ?? [];
    return deriveParentStatus(kids.map((k) => statusOf(k.id) ?? k.status));
  }
  const met = dependenciesSatisfied(ix, task.id, statusOf);
  if (task.status === 'pending' && met && canTransition('pending', 'ready')) return 'ready';
  if (task.status === 'ready' && !met && canTransition('ready', 'pending')) return 'pending';
  return task.status;
}

/**
 * Brings derived statuses up to date: pending leaves whose dependencies are all met become
 * ready, ready leaves whose dependencies are no longer met go back to pending, and parents
 * take the status derived from their children. Unchanged tasks keep their identity.
 */
export function normaliseTasks(tasks: readonly Task[]): Task[] {
  const ix = indexGraph(tasks);
  const status = new Map<string, TaskStatus>();
  for (const t of ix.byId.values()) status.set(t.id, t.status);
  const statusOf = (id: string): TaskStatus | undefined => status.get(id);
  const ordered = statusOrder(ix);
  if ('order' in ordered) {
    // Everything a task waits on comes first, so one pass settles the whole graph.
    for (const id of ordered.order) status.set(id, settledStatus(ix, ix.byId.get(id) as Task, statusOf));
  } else {
    // A cyclic graph (only from a corrupt input) cannot settle; bounded passes keep this total.
    for (let pass = 0; pass < 3; pass++) {
      for (const t of ix.byId.values()) status.set(t.id, settledStatus(ix, t, statusOf));
    }
  }
  return tasks.map((t) => {
    const s = status.get(t.id) ?? t.status;
    return s === t.status || ix.byId.get(t.id) !== t ? t : { ...t, status: s };
  });
}
