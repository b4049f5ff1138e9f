import type { Task } from '@aime/protocol';

/** A task placed in the hierarchical progress list. */
export interface TaskRow {
  task: Task;
  depth: number;
}

/**
 * Orders tasks as a hierarchy (each parent followed by its children, siblings in graph
 * order). A task whose parent is unknown is shown at the top level rather than lost, and a
 * parent cycle (which the planner's reducer should never produce) cannot loop forever.
 */
export function buildTaskTree(tasks: readonly Task[]): TaskRow[] {
  const ids = new Set(tasks.map((t) => t.id));
  const children = new Map<string | undefined, Task[]>();
  for (const t of tasks) {
    const parent = t.parentId !== undefined && ids.has(t.parentId) && t.parentId !== t.id ? t.parentId : undefined;
    const list = children.get(parent) ?? [];
    list.push(t);
    children.set(parent, list);
  }
  const rows: TaskRow[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | undefined, depth: number) => {
    for (const t of children.get(parent) ?? []) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      rows.push({ task: t, depth });
      walk(t.id, depth + 1);
    }
  };
  walk(undefined, 0);
  // Tasks only reachable through a parent cycle.
  for (const t of tasks) if (!seen.has(t.id)) {
    seen.add(t.id);
    rows.push({ task: t, depth: 0 });
  }
  return rows;
}

/**
 * A key that changes only when the graph's shape changes (ids, parents, dependencies),
 * not its statuses, so the DAG layout is recomputed only when it must be.
 */
export function graphShapeKey(tasks: readonly Task[]): string {
  return tasks
    .map((t) => `${t.id}<${t.parentId ?? ''}<${[...t.dependsOn].sort().join(',')}<${t.replacedBy ?? ''}`)
    .sort()
    .join('|');
}
