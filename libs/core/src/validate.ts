import type { TaskGraph, TaskStatus } from '@aime/protocol';
import { GraphError } from './errors.ts';
import { ancestorsOf, effectiveDependencies, indexGraph, isLeaf, statusOrder, subtreeOf } from './graph-index.ts';
import { dependenciesSatisfied, deriveParentStatus } from './normalise.ts';
import { satisfiesDependency } from './transitions.ts';

/**
 * Checks every invariant of a task graph and returns all violations (empty when sound):
 * unique ids, parents exist, no parent loops, dependencies exist and are neither the task
 * itself nor an ancestor/descendant nor listed twice, no dependency cycles, running and
 * succeeded tasks have their (inherited) dependencies met, leaves are normalised
 * (ready exactly when dependencies are met), and parents carry their derived status.
 * Structural errors (ids, parents, loops) stop the check before status rules are looked at.
 */
export function validateGraph(graph: TaskGraph): GraphError[] {
  const errors: GraphError[] = [];
  const ix = indexGraph(graph.tasks);
  const seen = new Set<string>();
  for (const t of graph.tasks) {
    if (seen.has(t.id)) errors.push(new GraphError('duplicate_task', `task id "${t.id}" appears more than once`, { taskId: t.id }));
    seen.add(t.id);
  }
  for (const t of ix.byId.values()) {
    if (t.parentId === undefined) continue;
    if (!ix.byId.has(t.parentId)) {
      errors.push(new GraphError('unknown_task', `task "${t.id}" has parent "${t.parentId}", which does not exist`, { taskId: t.id }));
    } else {
      // Walk up: a loop brings us back to a task already on the path.
      const path = [t.id];
      let cur: string | undefined = t.parentId;
      while (cur !== undefined && !path.includes(cur)) {
        path.push(cur);
        cur = ix.byId.get(cur)?.parentId;
      }
      if (cur === t.id) errors.push(new GraphError('cycle', `parent links loop: ${[...path, t.id].map((i) => `"${i}"`).join(' → ')}`, { taskId: t.id }));
    }
  }
  for (const t of ix.byId.values()) {
    const ancestors = ancestorsOf(ix, t.id);
    const descendants = new Set(subtreeOf(ix, t.id).map((d) => d.id));
    const listed = new Set<string>();
    for (const d of t.dependsOn) {
      if (listed.has(d)) errors.push(new GraphError('invalid_operation', `task "${t.id}" lists dependency "${d}" twice`, { taskId: t.id }));
      listed.add(d);
      if (d === t.id) errors.push(new GraphError('invalid_operation', `task "${t.id}" depends on itself`, { taskId: t.id }));
      else if (!ix.byId.has(d)) errors.push(new GraphError('unknown_task', `task "${t.id}" depends on "${d}", which does not exist`, { taskId: t.id }));
      else if (ancestors.includes(d)) errors.push(new GraphError('invalid_operation', `task "${t.id}" depends on its ancestor "${d}"`, { taskId: t.id }));
      else if (descendants.has(d)) errors.push(new GraphError('invalid_operation', `task "${t.id}" depends on its own subtask "${d}"`, { taskId: t.id }));
    }
  }
  if (errors.length > 0) return errors;

  const order = statusOrder(ix);
  if ('cycle' in order) {
    errors.push(new GraphError('cycle', `dependencies loop: ${order.cycle.map((i) => `"${i}"`).join(' → ')} (→ means "waits on")`, { taskId: order.cycle[0] as string }));
    return errors;
  }

  const statusOf = (id: string): TaskStatus | undefined => ix.byId.get(id)?.status;
  for (const t of ix.byId.values()) {
    if (t.status === 'running' || t.status === 'succeeded') {
      for (const d of effectiveDependencies(ix, t.id)) {
        const ds = statusOf(d.id);
        if (ds !== undefined && !satisfiesDependency(ds)) {
          const via = d.via === undefined ? '' : ` (inherited from "${d.via}")`;
          errors.push(new GraphError('dependencies_not_met', `task "${t.id}" is ${t.status} but its dependency "${d.id}"${via} is ${ds}`, { taskId: t.id }));
        }
      }
    }
    if (isLeaf(ix, t.id)) {
      const met = dependenciesSatisfied(ix, t.id, statusOf);
      if (t.status === 'ready' && !met) errors.push(new GraphError('not_normalised', `task "${t.id}" is ready but its dependencies are not all met`, { taskId: t.id }));
      if (t.status === 'pending' && met) errors.push(new GraphError('not_normalised', `task "${t.id}" is pending although all its dependencies are met (it should be ready)`, { taskId: t.id }));
    } else {
      const expected = deriveParentStatus((ix.children.get(t.id) ?? []).map((c) => c.status));
      if (expected !== t.status) {
        errors.push(new GraphError('parent_inconsistent', `parent "${t.id}" is ${t.status} but its subtasks make it ${expected}`, { taskId: t.id }));
      }
    }
  }
  return errors;
}
