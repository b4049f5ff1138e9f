import { memo, useMemo } from 'react';
import { Background, Controls, Handle, MarkerType, Position, ReactFlow } from '@xyflow/react';
import type { Edge, Node, NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Task, TaskState, TaskStatus } from '@aime/protocol';
import { NODE_HEIGHT, NODE_WIDTH, layoutTaskGraph } from '../lib/graph-layout.ts';
import { graphShapeKey } from '../lib/task-tree.ts';

/** `shown` is the status or `recovering` (a running task whose worker is gone). */
type TaskNodeData = { title: string; status: TaskStatus; shown: TaskState; taskId: string; stale: boolean };
type TaskNode = Node<TaskNodeData, 'task'>;

function TaskNodeView({ data }: NodeProps<TaskNode>) {
  return (
    <div
      className={`graph-node node-${data.shown} ${data.stale ? 'node-stale' : ''}`}
      data-testid="graph-node"
      data-task-id={data.taskId}
      data-status={data.status}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      title={`${data.title} (${data.shown})`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="graph-node-title">{data.title}</span>
      <span className="graph-node-status">{data.stale ? `${data.shown} · stale` : data.shown}</span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { task: TaskNodeView };

/** The task graph as a DAG; the layout is recomputed only when its shape changes, not on status changes. */
export const TaskGraph = memo(function TaskGraph({ tasks }: { tasks: readonly Task[] }) {
  const shape = graphShapeKey(tasks);
  // Keyed on the shape, not on `tasks`: a status change must not re-run dagre.
  const layout = useMemo(() => layoutTaskGraph(tasks), [shape]); // tasks read only for its shape
  const nodes = useMemo<TaskNode[]>(() => {
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return layout.nodes.flatMap((n) => {
      const t = byId.get(n.id);
      if (!t) return [];
      return [{ id: n.id, type: 'task' as const, position: { x: n.x, y: n.y }, data: { title: t.title, status: t.status, shown: t.state ?? (t.recovering ? 'recovering' : t.status), taskId: t.id, stale: t.stale === true }, draggable: false, connectable: false }];
    });
  }, [layout, tasks]);
  const edges = useMemo<Edge[]>(
    () =>
      layout.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        className: `edge-${e.kind}`,
        animated: false,
        markerEnd: e.kind === 'parent' ? undefined : { type: MarkerType.ArrowClosed },
        style: e.kind === 'parent' ? { strokeDasharray: '4 4' } : e.kind === 'replaced' ? { strokeDasharray: '6 3', strokeWidth: 2 } : undefined,
        ...(e.kind === 'replaced' ? { label: 'replaced by', labelStyle: { fontSize: 11 } } : {}),
      })),
    [layout],
  );
  return (
    <section className="card graph-card" aria-labelledby="graph-title">
      <div className="card-title-row">
        <h2 id="graph-title">Task graph</h2>
        <span className="muted small">→ depends on · - - subtask · ⇢ replaced by</span>
      </div>
      {tasks.length === 0 ? (
        <p className="muted">No tasks yet.</p>
      ) : (
        <div className="graph-wrap">
          <ReactFlow
            key={shape}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            fitView
            nodesDraggable={false}
            nodesConnectable={false}
            edgesFocusable={false}
            minZoom={0.2}
          >
            <Background gap={16} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
      )}
    </section>
  );
});
