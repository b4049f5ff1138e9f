import type { Task } from '@aime/protocol';

/** Lookup tables over a task list; built per use, never stored. */
export interface GraphIndex {
  readonly tasks: readonly Task[];
  readonly byId: ReadonlyMap<string, Task>;
  /** Children of each task, in graph order. */
  readonly children: ReadonlyMap<string, readonly Task[]>;
  /** Position of each task in the graph (first occurrence when ids repeat). */
  readonly position: ReadonlyMap<string, number>;
}

/** Builds the lookup tables for a task list. */
export function indexGraph(tasks: readonly Task[]): GraphIndex {
  const byId = new Map<string, Task>();
  const position = new Map<string, number>();
  const children = new Map<string, Task[]>();
  tasks.forEach((t, i) => {
    if (!byId.has(t.id)) {
      byId.set(t.id, t);
      position.set(t.id, i);
    }
  });
  for (const t of tasks) {
    if (t.parentId === undefined) continue;
    const list = children.get(t.parentId);
    if (list) list.push(t);
    else children.set(t.parentId, [t]);
  }
  return { tasks, byId, children, position };
}

/** Whether the task has no children (only leaves are dispatched to actors). */
export function isLeaf(ix: GraphIndex, id: string): boolean {
  return (ix.children.get(id)?.length ?? 0) === 0;
}

/** The ancestors of a task, nearest first. Stops at a missing parent or a parent loop. */
export function ancestorsOf(ix: GraphIndex, id: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>([id]);
  let cur = ix.byId.get(id)?.parentId;
  while (cur !== undefined && !seen.has(cur)) {
    out.push(cur);
    seen.add(cur);
    cur = ix.byId.get(cur)?.parentId;
  }
  return out;
}

/** The task and all its descendants, depth first, children in graph order. */
export function subtreeOf(ix: GraphIndex, id: string): Task[] {
  const root = ix.byId.get(id);
  if (!root) return [];
  const out: Task[] = [];
  const seen = new Set<string>();
  const stack: Task[] = [root];
  while (stack.length > 0) {
    const t = stack.pop() as Task;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    out.push(t);
    const kids = ix.children.get(t.id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as Task);
  }
  return out;
}

/** The leaves of a task's subtree (the task itself when it is a leaf). */
export function leavesOf(ix: GraphIndex, id: string): Task[] {
  return subtreeOf(ix, id).filter((t) => isLeaf(ix, t.id));
}

/** A dependency a task waits for, and which ancestor declared it when it is inherited. */
export interface EffectiveDependency {
  readonly id: string;
  /** The ancestor that declared the dependency; absent when the task declared it itself. */
  readonly via?: string;
}

/**
 * What a task waits for before it may start: its own dependencies plus those of all its
 * ancestors (a subtask inherits its parent's place in the plan). Duplicates are dropped.
 */
export function effectiveDependencies(ix: GraphIndex, id: string): EffectiveDependency[] {
  const task = ix.byId.get(id);
  if (!task) return [];
  const out: EffectiveDependency[] = [];
  const seen = new Set<string>();
  for (const d of task.dependsOn) {
    if (!seen.has(d)) out.push({ id: d });
    seen.add(d);
  }
  for (const a of ancestorsOf(ix, id)) {
    for (const d of ix.byId.get(a)?.dependsOn ?? []) {
      if (!seen.has(d)) out.push({ id: d, via: a });
      seen.add(d);
    }
  }
  return out;
}

/**
 * The "status waits on" edges: a leaf waits on its effective dependencies, a parent waits on
 * its children. The graph is sound exactly when these edges have no cycle.
 */
export function statusEdges(ix: GraphIndex, id: string): string[] {
  const kids = ix.children.get(id);
  if (kids && kids.length > 0) return kids.map((k) => k.id);
  return effectiveDependencies(ix, id)
    .map((d) => d.id)
    .filter((d) => ix.byId.has(d));
}

/**
 * Orders tasks so that each comes after everything it waits on, or returns one cycle
 * (task ids in "waits on" order, first id repeated at the end).
 */
export function statusOrder(ix: GraphIndex): { order: string[] } | { cycle: string[] } {
  const state = new Map<string, 1 | 2>(); // 1 = on the DFS path, 2 = done
  const order: string[] = [];
  for (const t of ix.byId.values()) {
    if (state.has(t.id)) continue;
    const path: string[] = [];
    const stack: Array<{ id: string; edges: string[]; next: number }> = [];
    const enter = (id: string): void => {
      state.set(id, 1);
      path.push(id);
      stack.push({ id, edges: statusEdges(ix, id), next: 0 });
    };
    enter(t.id);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; edges: string[]; next: number };
      if (top.next < top.edges.length) {
        const e = top.edges[top.next++] as string;
        const s = state.get(e);
        if (s === 1) return { cycle: [...path.slice(path.indexOf(e)), e] };
        if (s === undefined) enter(e);
      } else {
        stack.pop();
        path.pop();
        state.set(top.id, 2);
        order.push(top.id);
      }
    }
  }
  return { order };
}
