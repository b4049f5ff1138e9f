/**
 * The task-graph reducer: the only way the graph changes.
 *
 * Semantics, including the edge cases we decided:
 *
 * - A batch is all-or-nothing. Operations apply in order, each one seeing the result of
 *   the ones before it (so `add` then `dispatch` of the same task works in one batch,
 *   because the graph is normalised after every operation). A refused operation is not
 *   applied, but the rest of the batch is still checked so that every error is reported at
 *   once; then the whole batch is refused and the input graph is returned untouched.
 * - The reducer is pure: inputs are never mutated, unchanged tasks keep their identity, and
 *   `graph.version` is never changed (the store bumps it on write).
 * - Operations are parsed against the protocol schemas first; schema problems are
 *   `invalid_operation`.
 * - Dependencies are satisfied by `succeeded` or `skipped`. A subtask also waits for its
 *   ancestors' dependencies (it inherits its parent's place in the plan); a task may
 *   therefore not depend on its own ancestor or descendant, and cycles are checked over
 *   "leaf waits on its dependencies, parent waits on its subtasks".
 * - Parents (tasks with children) are never dispatched; their status is derived from their
 *   children (see `deriveParentStatus`). `skip`, `retry` and `cancel` on a parent apply to
 *   every eligible leaf of its subtree; `dispatch`, `assign`, `progress`, `report`, `block`
 *   and `unblock` apply to leaves only (`parent_inconsistent`).
 * - `add`: the new task is `pending`; a leaf parent must be pending/ready/blocked/failed (it
 *   is being split into subtasks), a parent with children must not be finished. A finished
 *   task never reopens, so work that depended on it stays valid.
 * - `update`: allowed on pending/ready/blocked/failed tasks (editing a failed task before a
 *   retry is normal replanning); refused when running (`task_running`) or finished. New
 *   dependencies must not invalidate subtasks that already ran.
 * - `remove`: a pending/ready/blocked/failed/skipped task with its subtree; refused if any of
 *   it runs, or if a remaining task depends on a removed one. Removing a parent's last
 *   child turns the parent back into a leaf with its last derived status.
 * - `retry`: failed/blocked → pending; `reason` and `progress` are cleared, the old `report`
 *   is kept until the next attempt reports (the planner and the next actor can read why
 *   the last attempt failed). `dispatch` clears `actorId`, bumps `attempts` and, when
 *   `opts.now` is given, sets a "dispatched" progress note.
 * - `report` is accepted only for a running leaf: a late report for a cancelled task is
 *   refused (`illegal_transition`) and the caller should drop it.
 * - `finish`: refused while any leaf runs; every operation after it in the batch is refused
 *   (`finished`). Pending, ready and blocked leaves are cancelled with reason
 *   "mission finished", so the graph settles with the mission.
 * - Result lists: `added` (new and still present), `removed` (present before, gone after),
 *   `changed` (present before and after, any field different, including derived statuses),
 *   `dispatched` (dispatched in this batch and still running at its end), all in graph order.
 */
import { formatIssues, PlannerOperation, SystemOperation } from '@aime/protocol';
import type { ArtifactRef, GraphOperation, Task, TaskGraph } from '@aime/protocol';
import { GraphError } from './errors.ts';
import { indexGraph } from './graph-index.ts';
import { normaliseTasks } from './normalise.ts';
import type { FinishResult, OpContext, OpOutcome } from './op-context.ts';
import { applyAssign, applyBlock, applyCancel, applyDispatch, applyFinish, applyProgress, applyReport, applyRetry, applySkip, applyUnblock } from './status-ops.ts';
import { applyAdd, applyRemove, applyUpdate } from './structure-ops.ts';
import { deepEqual } from './deep-equal.ts';

/** The outcome of {@link applyOperations}. */
export type ApplyResult =
  | {
      ok: true;
      /** The new graph (same `version` as the input: the store bumps it). */
      graph: TaskGraph;
      added: string[];
      changed: string[];
      removed: string[];
      /** Tasks this batch put into `running`: the caller enqueues one factory job each. */
      dispatched: string[];
      /** Present when the batch finished the mission. */
      finish?: { status: 'succeeded' | 'failed'; answer: string; artifacts: ArtifactRef[] };
    }
  | { ok: false; errors: GraphError[] };

/** Options of {@link applyOperations}. */
export interface ApplyOptions {
  /** ISO timestamp used for progress notes the reducer writes (on dispatch); none when absent. */
  now?: string;
}

const PLANNER_OPS = new Set(['add', 'update', 'remove', 'skip', 'retry', 'dispatch', 'finish']);
const SYSTEM_OPS = new Set(['assign', 'progress', 'report', 'block', 'unblock', 'cancel']);

function labelOf(op: unknown): string {
  if (typeof op !== 'object' || op === null) return 'not an object';
  const o = op as { op?: unknown; id?: unknown; task?: { id?: unknown } };
  const name = typeof o.op === 'string' ? o.op : '?';
  const id = typeof o.id === 'string' ? o.id : typeof o.task?.id === 'string' ? o.task.id : undefined;
  return id === undefined ? name : `${name} "${id}"`;
}

function parseOperation(raw: unknown, index: number, label: string): GraphOperation | GraphError {
  const name = typeof raw === 'object' && raw !== null ? (raw as { op?: unknown }).op : undefined;
  const schema = typeof name === 'string' && PLANNER_OPS.has(name) ? PlannerOperation : typeof name === 'string' && SYSTEM_OPS.has(name) ? SystemOperation : undefined;
  if (!schema) {
    const known = [...PLANNER_OPS, ...SYSTEM_OPS].join(', ');
    return new GraphError('invalid_operation', `op ${index} (${label}): unknown operation ${JSON.stringify(name ?? null)}; expected one of ${known}`, { opIndex: index });
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = formatIssues(parsed.error.issues, { style: 'inline', root: '(root)' });
  const id = typeof (raw as { id?: unknown }).id === 'string' ? { taskId: (raw as { id: string }).id } : {};
  return new GraphError('invalid_operation', `op ${index} (${label}): ${issues}`, { opIndex: index, ...id });
}

function applyOne(ctx: OpContext, tasks: readonly Task[], op: GraphOperation): OpOutcome {
  const ix = indexGraph(tasks);
  switch (op.op) {
    case 'add':
      return applyAdd(ctx, tasks, ix, op.task);
    case 'update':
      return applyUpdate(ctx, tasks, ix, op.id, op.patch);
    case 'remove':
      return applyRemove(ctx, tasks, ix, op.id);
    case 'skip':
      return applySkip(ctx, tasks, ix, op.id, op.reason);
    case 'retry':
      return applyRetry(ctx, tasks, ix, op.id);
    case 'dispatch':
      return applyDispatch(ctx, tasks, ix, op.id);
    case 'finish':
      return applyFinish(ctx, tasks, ix, op);
    case 'assign':
      return applyAssign(ctx, tasks, ix, op.id, op.actorId);
    case 'progress':
      return applyProgress(ctx, tasks, ix, op.id, op.progress);
    case 'report':
      return applyReport(ctx, tasks, ix, op.id, op.report);
    case 'block':
      return applyBlock(ctx, tasks, ix, op.id, op.reason);
    case 'unblock':
      return applyUnblock(ctx, tasks, ix, op.id);
    case 'cancel':
      return applyCancel(ctx, tasks, ix, op.id, op.reason);
  }
}

/**
 * Applies a batch of planner and system operations to a task graph, all or nothing.
 * See the comment at the top of this file for the exact semantics.
 */
export function applyOperations(graph: TaskGraph, ops: readonly GraphOperation[], opts: ApplyOptions = {}): ApplyResult {
  let tasks = normaliseTasks(graph.tasks);
  const errors: GraphError[] = [];
  const removedBy = new Map<string, number>();
  const rejectedAdds = new Map<string, number>();
  const dispatched: string[] = [];
  let finish: FinishResult | undefined;
  let finishedAt: number | undefined;

  ops.forEach((raw, index) => {
    const label = labelOf(raw);
    if (finishedAt !== undefined) {
      errors.push(new GraphError('finished', `op ${index} (${label}): the mission was finished by op ${finishedAt}; no operation may follow "finish" in the same batch`, { opIndex: index }));
      return;
    }
    const op = parseOperation(raw, index, label);
    if (op instanceof GraphError) {
      errors.push(op);
      return;
    }
    const ctx: OpContext = { index, label, removedBy, rejectedAdds, ...(opts.now !== undefined ? { now: opts.now } : {}) };
    const out = applyOne(ctx, tasks, op);
    if (!out.ok) {
      errors.push(...out.errors);
      if (op.op === 'add') rejectedAdds.set(op.task.id, index);
      return;
    }
    tasks = normaliseTasks(out.tasks);
    for (const id of out.removed ?? []) removedBy.set(id, index);
    if (op.op === 'add') {
      rejectedAdds.delete(op.task.id);
      removedBy.delete(op.task.id);
    }
    dispatched.push(...(out.dispatched ?? []));
    if (out.finish) {
      finish = out.finish;
      finishedAt = index;
    }
  });

  if (errors.length > 0) return { ok: false, errors };

  const before = new Map(graph.tasks.map((t) => [t.id, t]));
  const after = new Map(tasks.map((t) => [t.id, t]));
  const added = tasks.filter((t) => !before.has(t.id)).map((t) => t.id);
  const removed = graph.tasks.filter((t) => !after.has(t.id)).map((t) => t.id);
  const changed = tasks.filter((t) => {
    const old = before.get(t.id);
    return old !== undefined && old !== t && !deepEqual(old, t);
  }).map((t) => t.id);
  const stillRunning = new Set(tasks.filter((t) => t.status === 'running').map((t) => t.id));
  const dispatchedNow = tasks.map((t) => t.id).filter((id) => dispatched.includes(id) && stillRunning.has(id));
  return {
    ok: true,
    graph: { ...graph, tasks },
    added,
    changed,
    removed,
    dispatched: dispatchedNow,
    ...(finish ? { finish } : {}),
  };
}
