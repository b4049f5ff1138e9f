import type { ArtifactRef, Report, Task, TaskProgress, TaskStatus } from '@aime/protocol';
import type { GraphError } from './errors.ts';
import { effectiveDependencies, isLeaf, leavesOf } from './graph-index.ts';
import type { GraphIndex } from './graph-index.ts';
import { checkLeafTransition, lookupTask, opError, patchTask, quoteIds, replaceTasks } from './op-context.ts';
import type { OpContext, OpOutcome } from './op-context.ts';
import { canTransition, satisfiesDependency } from './transitions.ts';

const SKIPPABLE: readonly TaskStatus[] = ['pending', 'ready', 'blocked', 'failed'];
const RETRYABLE: readonly TaskStatus[] = ['failed', 'blocked'];
const CANCELLABLE: readonly TaskStatus[] = ['pending', 'ready', 'running', 'blocked', 'failed'];
const BLOCKABLE: readonly TaskStatus[] = ['pending', 'ready', 'running'];

/** Empty reasons are dropped rather than stored. */
function reasonField(reason: string): string | undefined {
  return reason.trim() === '' ? undefined : reason;
}

interface Cascade {
  to: TaskStatus;
  from: readonly TaskStatus[];
  verb: string;
  /** Whether running tasks in the way refuse the whole operation (`task_running`). */
  refuseRunning: boolean;
  leafPatch: Partial<Task>;
  parentPatch: Partial<Task>;
}

/**
 * Applies a status change to a leaf, or to every eligible leaf of a parent's subtree
 * (skip, retry and cancel work on whole subtrees; the parent's status then follows).
 */
function applyCascade(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, c: Cascade): OpOutcome {
  const found = lookupTask(ctx, ix, id);
  if (found instanceof Error) return { ok: false, errors: [found] };
  const leaves = leavesOf(ix, id);
  const running = leaves.filter((t) => t.status === 'running').map((t) => t.id);
  if (c.refuseRunning && running.length > 0) {
    const where = isLeaf(ix, id) ? `"${id}" is running` : `its subtasks ${quoteIds(running)} are running`;
    return { ok: false, errors: [opError(ctx, 'task_running', `cannot ${c.verb} "${id}": ${where}; wait for the report(s)`, id)] };
  }
  if (isLeaf(ix, id)) {
    const err = checkLeafTransition(ctx, ix, found, c.to, c.from, c.verb);
    if (err) return { ok: false, errors: [err] };
    return { ok: true, tasks: replaceTasks(tasks, new Map([[id, patchTask(found, { ...c.leafPatch, status: c.to })]])) };
  }
  const targets = leaves.filter((t) => c.from.includes(t.status) && canTransition(t.status, c.to));
  if (targets.length === 0) {
    return { ok: false, errors: [opError(ctx, 'illegal_transition', `no subtask of "${id}" can ${c.verb}: none is ${c.from.join(' or ')}`, id)] };
  }
  const updates = new Map<string, Task>(targets.map((t) => [t.id, patchTask(t, { ...c.leafPatch, status: c.to })]));
  updates.set(id, patchTask(found, c.parentPatch));
  return { ok: true, tasks: replaceTasks(tasks, updates) };
}

/** `skip`: pending/ready/blocked/failed → skipped (a whole subtree when given a parent). */
export function applySkip(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, reason: string): OpOutcome {
  const r = reasonField(reason);
  return applyCascade(ctx, tasks, ix, id, { to: 'skipped', from: SKIPPABLE, verb: 'skip', refuseRunning: true, leafPatch: { reason: r }, parentPatch: { reason: r } });
}

/** `retry`: failed/blocked → pending; the old report stays until a new one arrives. */
export function applyRetry(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string): OpOutcome {
  const clear = { reason: undefined, progress: undefined };
  return applyCascade(ctx, tasks, ix, id, { to: 'pending', from: RETRYABLE, verb: 'retry', refuseRunning: false, leafPatch: clear, parentPatch: { reason: undefined } });
}

/** `cancel`: any non-terminal → cancelled (every non-terminal leaf of a parent's subtree). */
export function applyCancel(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, reason: string): OpOutcome {
  const r = reasonField(reason);
  return applyCascade(ctx, tasks, ix, id, { to: 'cancelled', from: CANCELLABLE, verb: 'cancel', refuseRunning: false, leafPatch: { reason: r }, parentPatch: { reason: r } });
}

/** `dispatch`: a ready leaf whose dependencies are all met → running, one more attempt. */
export function applyDispatch(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string): OpOutcome {
  const found = lookupTask(ctx, ix, id);
  if (found instanceof Error) return { ok: false, errors: [found] };
  if (!isLeaf(ix, id)) {
    const ready = leavesOf(ix, id).filter((t) => t.status === 'ready').map((t) => t.id);
    const hint = ready.length > 0 ? `dispatch its ready subtasks instead: ${quoteIds(ready)}` : 'dispatch its subtasks once they are ready';
    return { ok: false, errors: [opError(ctx, 'parent_inconsistent', `"${id}" has subtasks, so it is never dispatched itself; ${hint}`, id)] };
  }
  const errors: GraphError[] = [];
  for (const d of effectiveDependencies(ix, id)) {
    const ds = ix.byId.get(d.id)?.status;
    if (ds === undefined || satisfiesDependency(ds)) continue;
    const via = d.via === undefined ? '' : ` (inherited from parent "${d.via}")`;
    errors.push(opError(ctx, 'dependencies_not_met', `dependency "${d.id}"${via} is ${ds}, not succeeded`, id));
  }
  if (errors.length > 0) return { ok: false, errors };
  const err = checkLeafTransition(ctx, ix, found, 'running', ['ready'], 'be dispatched');
  if (err) return { ok: false, errors: [err] };
  const attempts = found.attempts + 1;
  const progress: TaskProgress | undefined = ctx.now !== undefined ? { status: 'dispatched', message: `attempt ${attempts} dispatched, waiting for an actor`, at: ctx.now } : undefined;
  const next = patchTask(found, { status: 'running', attempts, actorId: undefined, reason: undefined, progress });
  return { ok: true, tasks: replaceTasks(tasks, new Map([[id, next]])), dispatched: [id] };
}

/**
 * `finish`: ends the mission. Refused while tasks run; pending, ready and blocked leaves
 * are cancelled so the graph settles with the mission.
 */
export function applyFinish(
  ctx: OpContext,
  tasks: readonly Task[],
  ix: GraphIndex,
  finish: { status: 'succeeded' | 'failed'; answer: string; artifacts: ArtifactRef[] },
): OpOutcome {
  const running = tasks.filter((t) => t.status === 'running' && isLeaf(ix, t.id)).map((t) => t.id);
  if (running.length > 0) {
    return { ok: false, errors: [opError(ctx, 'finished', `cannot finish the mission while tasks are running: ${quoteIds(running)}; wait for their reports first`)] };
  }
  const updates = new Map<string, Task>();
  for (const t of tasks) {
    if (isLeaf(ix, t.id) && ['pending', 'ready', 'blocked'].includes(t.status) && canTransition(t.status, 'cancelled')) {
      updates.set(t.id, patchTask(t, { status: 'cancelled', reason: 'mission finished' }));
    }
  }
  return { ok: true, tasks: replaceTasks(tasks, updates), finish: { status: finish.status, answer: finish.answer, artifacts: finish.artifacts } };
}

/** `assign`: records which actor works on a running leaf. */
export function applyAssign(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, actorId: string): OpOutcome {
  return applyRunningPatch(ctx, tasks, ix, id, 'be assigned an actor', { actorId });
}

/** `progress`: the latest progress note of a running leaf. */
export function applyProgress(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, progress: TaskProgress): OpOutcome {
  return applyRunningPatch(ctx, tasks, ix, id, 'report progress', { progress });
}

function applyRunningPatch(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, verb: string, patch: Partial<Task>): OpOutcome {
  const found = lookupTask(ctx, ix, id);
  if (found instanceof Error) return { ok: false, errors: [found] };
  if (!isLeaf(ix, id)) return { ok: false, errors: [opError(ctx, 'parent_inconsistent', `"${id}" has subtasks; only a leaf task can ${verb}`, id)] };
  if (found.status !== 'running') return { ok: false, errors: [opError(ctx, 'illegal_transition', `"${id}" is ${found.status}; only a running task can ${verb}`, id)] };
  return { ok: true, tasks: replaceTasks(tasks, new Map([[id, patchTask(found, patch)]])) };
}

/** `report`: running → the report's status; the report is stored on the task. */
export function applyReport(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, report: Report): OpOutcome {
  const found = lookupTask(ctx, ix, id);
  if (found instanceof Error) return { ok: false, errors: [found] };
  const err = checkLeafTransition(ctx, ix, found, report.status, ['running'], `take a ${report.status} report`);
  if (err) return { ok: false, errors: [err] };
  return { ok: true, tasks: replaceTasks(tasks, new Map([[id, patchTask(found, { status: report.status, report, reason: undefined })]])) };
}

/** `block`: pending/ready/running → blocked, with the reason. */
export function applyBlock(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, reason: string): OpOutcome {
  const found = lookupTask(ctx, ix, id);
  if (found instanceof Error) return { ok: false, errors: [found] };
  const err = checkLeafTransition(ctx, ix, found, 'blocked', BLOCKABLE, 'be blocked');
  if (err) return { ok: false, errors: [err] };
  return { ok: true, tasks: replaceTasks(tasks, new Map([[id, patchTask(found, { status: 'blocked', reason: reasonField(reason) })]])) };
}

/** `unblock`: blocked → pending (normalisation then makes it ready when its dependencies are met). */
export function applyUnblock(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string): OpOutcome {
  const found = lookupTask(ctx, ix, id);
  if (found instanceof Error) return { ok: false, errors: [found] };
  const err = checkLeafTransition(ctx, ix, found, 'pending', ['blocked'], 'be unblocked');
  if (err) return { ok: false, errors: [err] };
  return { ok: true, tasks: replaceTasks(tasks, new Map([[id, patchTask(found, { status: 'pending', reason: undefined })]])) };
}
