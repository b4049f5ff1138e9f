import type { ArtifactRef, Task, TaskStatus } from '@aime/protocol';
import { GraphError } from './errors.ts';
import type { GraphErrorCode } from './errors.ts';
import { isLeaf } from './graph-index.ts';
import type { GraphIndex } from './graph-index.ts';
import { canTransition } from './transitions.ts';

/** What an operation handler knows about its place in the batch. */
export interface OpContext {
  readonly index: number;
  /** How the operation is named in messages, e.g. `dispatch "book-train"`. */
  readonly label: string;
  /** Ids removed earlier in the batch, with the index of the removing operation. */
  readonly removedBy: ReadonlyMap<string, number>;
  /** Ids whose `add` was rejected earlier in the batch, with that operation's index. */
  readonly rejectedAdds: ReadonlyMap<string, number>;
  readonly now?: string;
}

/** The result of one mission-level `finish`. */
export interface FinishResult {
  status: 'succeeded' | 'failed';
  answer: string;
  artifacts: ArtifactRef[];
}

/** What one operation did, or why it was refused. */
export type OpOutcome =
  | { ok: true; tasks: Task[]; dispatched?: string[]; finish?: FinishResult; removed?: string[] }
  | { ok: false; errors: GraphError[] };

/** An error located at the current operation, with the operation named in the message. */
export function opError(ctx: OpContext, code: GraphErrorCode, message: string, taskId?: string): GraphError {
  return new GraphError(code, `op ${ctx.index} (${ctx.label}): ${message}`, taskId !== undefined ? { taskId, opIndex: ctx.index } : { opIndex: ctx.index });
}

/** Looks a task up, or explains precisely why it is not there. */
export function lookupTask(ctx: OpContext, ix: GraphIndex, id: string, role = 'task'): Task | GraphError {
  const t = ix.byId.get(id);
  if (t) return t;
  const removed = ctx.removedBy.get(id);
  if (removed !== undefined) return opError(ctx, 'unknown_task', `${role} "${id}" was removed by op ${removed} of this batch`, id);
  const rejected = ctx.rejectedAdds.get(id);
  if (rejected !== undefined) return opError(ctx, 'unknown_task', `${role} "${id}" does not exist (its add in op ${rejected} was rejected)`, id);
  return opError(ctx, 'unknown_task', `${role} "${id}" does not exist`, id);
}

/** A copy of a task with the patch applied; `undefined` values delete the field. */
export function patchTask(task: Task, patch: Partial<Task>): Task {
  const out: Record<string, unknown> = { ...task };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as Task;
}

/** Replaces tasks by id, keeping graph order and the identity of untouched tasks. */
export function replaceTasks(tasks: readonly Task[], updates: ReadonlyMap<string, Task>): Task[] {
  return tasks.map((t) => updates.get(t.id) ?? t);
}

/**
 * Checks a leaf-only status change: `from` lists where this operation may start, and the
 * transition table must also allow it.
 */
export function checkLeafTransition(
  ctx: OpContext,
  ix: GraphIndex,
  task: Task,
  to: TaskStatus,
  from: readonly TaskStatus[],
  verb: string,
): GraphError | undefined {
  if (!isLeaf(ix, task.id)) {
    const kids = (ix.children.get(task.id) ?? []).map((k) => `"${k.id}"`).join(', ');
    return opError(ctx, 'parent_inconsistent', `"${task.id}" has subtasks (${kids}); only a leaf task can ${verb}`, task.id);
  }
  if (from.includes(task.status) && canTransition(task.status, to)) return undefined;
  return opError(ctx, 'illegal_transition', `"${task.id}" is ${task.status}; can ${verb} only a task that is ${from.join(' or ')}`, task.id);
}

/** Quotes and joins ids for messages. */
export function quoteIds(ids: readonly string[]): string {
  return ids.map((i) => `"${i}"`).join(', ');
}
