import type { NewTask, Task } from '@aime/protocol';
import type { GraphError } from './errors.ts';
import { ancestorsOf, effectiveDependencies, indexGraph, isLeaf, statusOrder, subtreeOf } from './graph-index.ts';
import type { GraphIndex } from './graph-index.ts';
import { lookupTask, opError, patchTask, quoteIds, replaceTasks } from './op-context.ts';
import type { OpContext, OpOutcome } from './op-context.ts';
import { isTerminalTaskStatus, satisfiesDependency } from './transitions.ts';

type UpdatePatch = { title?: string; description?: string; completionCriteria?: string; dependsOn?: string[] };

/** Checks a dependency list for a task placed under `ancestors` with the given descendants. */
function checkDependencyList(
  ctx: OpContext,
  ix: GraphIndex,
  taskId: string,
  deps: readonly string[],
  ancestors: readonly string[],
  descendants: ReadonlySet<string>,
): GraphError[] {
  const errors: GraphError[] = [];
  for (const d of deps) {
    if (d === taskId) {
      errors.push(opError(ctx, 'invalid_operation', `"${taskId}" cannot depend on itself`, taskId));
    } else if (ctx.removedBy.has(d)) {
      errors.push(opError(ctx, 'invalid_operation', `"${taskId}" cannot depend on "${d}": it was removed by op ${ctx.removedBy.get(d)} of this batch`, taskId));
    } else if (!ix.byId.has(d)) {
      const e = lookupTask(ctx, ix, d, 'dependency');
      if (!(e instanceof Error)) throw new Error('unreachable: dependency exists');
      errors.push(e);
    } else if (ancestors.includes(d)) {
      errors.push(opError(ctx, 'invalid_operation', `"${taskId}" cannot depend on its ancestor "${d}": a subtask already runs inside its parent, which only finishes after it`, taskId));
    } else if (descendants.has(d)) {
      errors.push(opError(ctx, 'invalid_operation', `"${taskId}" cannot depend on its own subtask "${d}": a parent finishes when its subtasks do, and its subtasks wait for the parent's dependencies`, taskId));
    }
  }
  return errors;
}

/** Refuses a structure whose "waits on" relation loops. */
function checkNoCycle(ctx: OpContext, tasks: readonly Task[], taskId: string): GraphError | undefined {
  const res = statusOrder(indexGraph(tasks));
  if ('order' in res) return undefined;
  return opError(ctx, 'cycle', `dependencies would loop: ${res.cycle.map((i) => `"${i}"`).join(' → ')} (→ means "waits on"; a parent waits on its subtasks and a subtask waits on its parent's dependencies)`, taskId);
}

/** `add`: a new pending task, under an existing parent that can still take subtasks. */
export function applyAdd(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, nt: NewTask): OpOutcome {
  const errors: GraphError[] = [];
  if (ix.byId.has(nt.id)) errors.push(opError(ctx, 'duplicate_task', `task "${nt.id}" already exists; pick a new id or update the existing task`, nt.id));
  let ancestors: string[] = [];
  if (nt.parentId !== undefined) {
    const parent = ctx.removedBy.has(nt.parentId)
      ? opError(ctx, 'invalid_operation', `parent "${nt.parentId}" was removed by op ${ctx.removedBy.get(nt.parentId)} of this batch`, nt.id)
      : lookupTask(ctx, ix, nt.parentId, 'parent');
    if (parent instanceof Error) {
      errors.push(parent);
    } else {
      ancestors = [parent.id, ...ancestorsOf(ix, parent.id)];
      if (!isLeaf(ix, parent.id)) {
        // A parent's status is derived: it takes new subtasks unless all its work is finished.
        if (isTerminalTaskStatus(parent.status)) {
          errors.push(opError(ctx, 'illegal_transition', `parent "${parent.id}" is ${parent.status}; a finished task cannot get new subtasks (add a new top-level task instead)`, nt.id));
        }
      } else if (parent.status === 'running') {
        errors.push(opError(ctx, 'task_running', `parent "${parent.id}" is running; a running task cannot be split into subtasks (wait for its report)`, nt.id));
      } else if (!['pending', 'ready', 'blocked', 'failed'].includes(parent.status)) {
        errors.push(opError(ctx, 'illegal_transition', `parent "${parent.id}" is ${parent.status}; a finished task cannot get new subtasks (add a new top-level task instead)`, nt.id));
      }
    }
  }
  const deps = [...new Set(nt.dependsOn)];
  errors.push(...checkDependencyList(ctx, ix, nt.id, deps, ancestors, new Set()));
  if (errors.length > 0) return { ok: false, errors };
  const task: Task = {
    id: nt.id,
    ...(nt.parentId !== undefined ? { parentId: nt.parentId } : {}),
    title: nt.title,
    description: nt.description,
    completionCriteria: nt.completionCriteria,
    status: 'pending',
    dependsOn: deps,
    attempts: 0,
  };
  const next = [...tasks, task];
  const cycle = checkNoCycle(ctx, next, nt.id);
  return cycle ? { ok: false, errors: [cycle] } : { ok: true, tasks: next };
}

/** `update`: edit a task that is neither running nor finished (failed and blocked tasks may be edited before a retry). */
export function applyUpdate(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string, patch: UpdatePatch): OpOutcome {
  const found = lookupTask(ctx, ix, id);
  if (found instanceof Error) return { ok: false, errors: [found] };
  if (found.status === 'running') return { ok: false, errors: [opError(ctx, 'task_running', `"${id}" is running; it cannot be edited until its report arrives`, id)] };
  if (isTerminalTaskStatus(found.status)) {
    return { ok: false, errors: [opError(ctx, 'illegal_transition', `"${id}" is ${found.status}; a finished task cannot be edited (add a new task instead)`, id)] };
  }
  const fields: Partial<Task> = {};
  if (patch.title !== undefined) fields.title = patch.title;
  if (patch.description !== undefined) fields.description = patch.description;
  if (patch.completionCriteria !== undefined) fields.completionCriteria = patch.completionCriteria;
  if (patch.dependsOn === undefined) return { ok: true, tasks: replaceTasks(tasks, new Map([[id, patchTask(found, fields)]])) };

  const deps = [...new Set(patch.dependsOn)];
  const subtree = subtreeOf(ix, id);
  const descendants = new Set(subtree.map((t) => t.id).filter((t) => t !== id));
  const errors = checkDependencyList(ctx, ix, id, deps, ancestorsOf(ix, id), descendants);
  if (errors.length > 0) return { ok: false, errors };
  fields.dependsOn = deps;
  const next = replaceTasks(tasks, new Map([[id, patchTask(found, fields)]]));
  const cycle = checkNoCycle(ctx, next, id);
  if (cycle) return { ok: false, errors: [cycle] };
  // Work already done under this task must still have had its dependencies met.
  const nix = indexGraph(next);
  for (const t of subtreeOf(nix, id)) {
    if (t.status !== 'running' && t.status !== 'succeeded') continue;
    for (const d of effectiveDependencies(nix, t.id)) {
      const ds = nix.byId.get(d.id)?.status;
      if (ds !== undefined && !satisfiesDependency(ds)) {
        errors.push(opError(ctx, 'dependencies_not_met', `new dependency "${d.id}" of "${id}" is ${ds}, not succeeded, but its subtask "${t.id}" is already ${t.status}`, id));
      }
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, tasks: next };
}

/** `remove`: a pending/ready/blocked/failed/skipped task and its whole subtree. */
export function applyRemove(ctx: OpContext, tasks: readonly Task[], ix: GraphIndex, id: string): OpOutcome {
  const found = lookupTask(ctx, ix, id);
  if (found instanceof Error) return { ok: false, errors: [found] };
  const subtree = subtreeOf(ix, id);
  const errors: GraphError[] = [];
  const running = subtree.filter((t) => t.status === 'running' && isLeaf(ix, t.id)).map((t) => t.id);
  if (running.length > 0) {
    const where = running.length === 1 && running[0] === id ? `"${id}" is running` : `its subtasks ${quoteIds(running)} are running`;
    errors.push(opError(ctx, 'task_running', `cannot remove "${id}": ${where}; wait for the report(s)`, id));
  } else if (found.status === 'succeeded' || found.status === 'cancelled') {
    errors.push(opError(ctx, 'illegal_transition', `"${id}" is ${found.status}; finished tasks stay in the plan as history and cannot be removed`, id));
  }
  const gone = new Set(subtree.map((t) => t.id));
  for (const t of tasks) {
    if (gone.has(t.id)) continue;
    for (const d of t.dependsOn) {
      if (gone.has(d)) {
        const what = d === id ? `"${id}"` : `"${d}" (in the subtree of "${id}")`;
        errors.push(opError(ctx, 'invalid_operation', `cannot remove ${what}: task "${t.id}" depends on it; update or remove "${t.id}" first`, id));
      }
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, tasks: tasks.filter((t) => !gone.has(t.id)), removed: [...gone] };
}
