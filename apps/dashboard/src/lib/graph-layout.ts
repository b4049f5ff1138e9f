import dagre from '@dagrejs/dagre';
import type { Task } from '@aime/protocol';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 56;

export interface LaidOutNode {
  id: string;
  /** Top-left corner, as @xyflow/react positions nodes. */
  x: number;
  y: number;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** `dependency`: target waits for source; `parent`: target is a subtask of source; `replaced`: target replaced source in a replan. */
  kind: 'dependency' | 'parent' | 'replaced';
}

/** The edges of the task graph; references to tasks no longer in the graph are dropped. */
export function taskEdges(tasks: readonly Pick<Task, 'id' | 'parentId' | 'dependsOn' | 'replacedBy'>[]): GraphEdge[] {
  const ids = new Set(tasks.map((t) => t.id));
  const edges: GraphEdge[] = [];
  for (const t of tasks) {
    for (const d of t.dependsOn) {
      if (ids.has(d) && d !== t.id) edges.push({ id: `dep:${d}->${t.id}`, source: d, target: t.id, kind: 'dependency' });
    }
    if (t.parentId !== undefined && ids.has(t.parentId) && t.parentId !== t.id) {
      edges.push({ id: `parent:${t.parentId}->${t.id}`, source: t.parentId, target: t.id, kind: 'parent' });
    }
    if (t.replacedBy !== undefined && ids.has(t.replacedBy) && t.replacedBy !== t.id) {
      edges.push({ id: `replaced:${t.id}->${t.replacedBy}`, source: t.id, target: t.replacedBy, kind: 'replaced' });
    }
  }
  return edges;
}

/** Lays the task graph out left to right with dagre (dagre handles cycles, should one slip in). */
export function layoutTaskGraph(tasks: readonly Pick<Task, 'id' | 'parentId' | 'dependsOn' | 'replacedBy'>[]): { nodes: LaidOutNode[]; edges: GraphEdge[] } {
  const edges = taskEdges(tasks);
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 60, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const t of tasks) g.setNode(t.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) g.setEdge(e.source, e.target, {}, e.id);
  dagre.layout(g);
  const nodes = tasks.map((t) => {
    const n = g.node(t.id) as { x: number; y: number } | undefined;
    return { id: t.id, x: (n?.x ?? 0) - NODE_WIDTH / 2, y: (n?.y ?? 0) - NODE_HEIGHT / 2 };
  });
  return { nodes, edges };
}
