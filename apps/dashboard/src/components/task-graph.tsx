import { createContext, memo, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Background, Handle, MarkerType, Position, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import type { Edge, Node, NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Task, TaskState, TaskStatus } from '@aime/protocol';
import { NODE_HEIGHT, NODE_WIDTH, layoutTaskGraph } from '../lib/graph-layout.ts';
import { initialViewport, isNavKey, nextNodeId, readingOrder } from '../lib/graph-nav.ts';
import { graphShapeKey } from '../lib/task-tree.ts';

/**
 * The smallest zoom: node text is at least 13 px (styles.css `.graph-node`), so on screen it is
 * never below 11 px. A graph too big for the box at this zoom is panned, not shrunk.
 */
export const MIN_ZOOM = 0.85;
const MAX_ZOOM = 1.5;
/** Room around the graph when it is fitted or shown from its start, px. */
const PAD = 16;

/** `shown` is the status or `recovering` (a running task whose worker is gone). */
type TaskNodeData = { title: string; status: TaskStatus; shown: TaskState; taskId: string; stale: boolean };
type TaskNode = Node<TaskNodeData, 'task'>;

/** The node that holds the graph's one Tab stop (roving tabindex). */
const ActiveNode = createContext<string | undefined>(undefined);

function TaskNodeView({ data }: NodeProps<TaskNode>) {
  const active = useContext(ActiveNode) === data.taskId;
  const state = data.stale ? `${data.shown} · stale` : data.shown;
  return (
    <div
      className={`graph-node node-${data.shown} ${data.stale ? 'node-stale' : ''}`}
      data-testid="graph-node"
      data-task-id={data.taskId}
      data-status={data.status}
      role="button"
      tabIndex={active ? 0 : -1}
      aria-label={`${data.title}, ${state}. Enter opens the task.`}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      title={`${data.title} (${data.shown})`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="graph-node-title">{data.title}</span>
      <span className="graph-node-status">{state}</span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { task: TaskNodeView };

interface GraphProps {
  tasks: readonly Task[];
  /** Opens a task's drawer. */
  onOpen(taskId: string): void;
}

function GraphCard({ tasks, onOpen, full, setFull }: GraphProps & { full: boolean; setFull(v: boolean): void }) {
  const rf = useReactFlow<TaskNode>();
  const wrap = useRef<HTMLDivElement>(null);
  const shape = graphShapeKey(tasks);
  // Keyed on the shape: a status change must not re-run dagre.
  const layout = useMemo(() => layoutTaskGraph(tasks), [shape]); // tasks read only for its shape
  const [active, setActive] = useState<string | undefined>();
  const activeId = active !== undefined && layout.nodes.some((n) => n.id === active) ? active : readingOrder(layout.nodes)[0]?.id;

  const nodes = useMemo<TaskNode[]>(() => {
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return layout.nodes.flatMap((n) => {
      const t = byId.get(n.id);
      if (!t) return [];
      return [{ id: n.id, type: 'task' as const, position: { x: n.x, y: n.y }, data: { title: t.title, status: t.status, shown: t.state ?? (t.recovering ? 'recovering' : t.status), taskId: t.id, stale: t.stale === true }, draggable: false, connectable: false, selectable: false }];
    });
  }, [layout, tasks]);
  const edges = useMemo<Edge[]>(
    () =>
      layout.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        className: `edge-${e.kind}`,
        focusable: false,
        markerEnd: e.kind === 'parent' ? undefined : { type: MarkerType.ArrowClosed },
        style: e.kind === 'parent' ? { strokeDasharray: '4 4' } : e.kind === 'replaced' ? { strokeDasharray: '6 3', strokeWidth: 2 } : undefined,
        ...(e.kind === 'replaced' ? { label: 'replaced by', labelStyle: { fontSize: 13 } } : {}),
      })),
    [layout],
  );

  /** Fits the graph, or shows one too big to read when fitted from its start at the smallest readable zoom. */
  const fit = useCallback(() => {
    const box = wrap.current;
    if (!box) return;
    void rf.setViewport(initialViewport(layout.nodes, NODE_WIDTH, NODE_HEIGHT, box.clientWidth, box.clientHeight, MIN_ZOOM, PAD));
  }, [rf, layout]);
  // Again whenever the box changes size (full screen, a rotated phone, a resized window).
  const [boxSize, setBoxSize] = useState('');
  useEffect(() => {
    const box = wrap.current;
    if (!box) return;
    const ro = new ResizeObserver(() => setBoxSize(`${box.clientWidth}x${box.clientHeight}`));
    ro.observe(box);
    return () => ro.disconnect();
  }, []);
  // React Flow calls onInit once its viewport can be moved.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready && boxSize) fit();
  }, [ready, boxSize, fit]);

  // The attribution link stays for the mouse, but is no Tab stop: the graph is one.
  useEffect(() => {
    for (const a of wrap.current?.querySelectorAll<HTMLElement>('.react-flow__attribution a') ?? []) a.tabIndex = -1;
  });

  /** Focuses a node and pans it into view when it is outside. */
  const focusNode = useCallback(
    (id: string) => {
      setActive(id);
      const box = wrap.current;
      const el = box?.querySelector<HTMLElement>(`[data-testid="graph-node"][data-task-id="${CSS.escape(id)}"]`);
      el?.focus({ preventScroll: true });
      const n = rf.getNode(id);
      if (!box || !n) return;
      const { x, y, zoom } = rf.getViewport();
      const left = n.position.x * zoom + x;
      const top = n.position.y * zoom + y;
      if (left < 0 || top < 0 || left + NODE_WIDTH * zoom > box.clientWidth || top + NODE_HEIGHT * zoom > box.clientHeight) {
        void rf.setCenter(n.position.x + NODE_WIDTH / 2, n.position.y + NODE_HEIGHT / 2, { zoom });
      }
    },
    [rf],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const id = (e.target as HTMLElement).closest('[data-testid="graph-node"]')?.getAttribute('data-task-id');
    if (!id) return;
    if (isNavKey(e.key)) {
      e.preventDefault();
      const next = nextNodeId(layout.nodes, id, e.key);
      if (next) focusNode(next);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(id);
    }
  };

  return (
    <section className={`card graph-card ${full ? 'is-full' : ''}`} aria-labelledby="graph-title" data-testid="graph-card" data-full={full} onKeyDown={(e) => {
        if (e.key === 'Escape' && full) {
          e.preventDefault();
          setFull(false);
        }
      }}>
      <div className="card-title-row">
        <h2 id="graph-title">Task graph</h2>
        <span className="muted small graph-legend">→ depends on · - - subtask · ⇢ replaced by</span>
        <div className="graph-tools" role="toolbar" aria-label="Graph view">
          <button type="button" className="btn small ghost" aria-label="Zoom out" onClick={() => void rf.zoomOut()}>
            −
          </button>
          <button type="button" className="btn small ghost" aria-label="Zoom in" onClick={() => void rf.zoomIn()}>
            +
          </button>
          <button type="button" className="btn small ghost" onClick={fit}>
            Fit
          </button>
          <button type="button" className="btn small" aria-pressed={full} data-testid="graph-fullscreen" onClick={() => setFull(!full)}>
            {full ? 'Exit full screen' : 'Full screen'}
          </button>
        </div>
      </div>
      <p className="sr-only" id="graph-help">
        One Tab stop: arrow keys move between tasks, Home and End jump to the first and last, Enter opens a task.
      </p>
      <div className="graph-wrap" ref={wrap} onKeyDown={onKeyDown} aria-describedby="graph-help">
        <ActiveNode.Provider value={activeId}>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            minZoom={MIN_ZOOM}
            maxZoom={MAX_ZOOM}
            nodesDraggable={false}
            nodesConnectable={false}
            nodesFocusable={false}
            edgesFocusable={false}
            elementsSelectable={false}
            disableKeyboardA11y
            deleteKeyCode={null}
            panActivationKeyCode={null}
            selectionKeyCode={null}
            multiSelectionKeyCode={null}
            onInit={() => setReady(true)}
            onNodeClick={(_, n) => {
              setActive(n.id);
              onOpen(n.id);
            }}
          >
            <Background gap={16} />
          </ReactFlow>
        </ActiveNode.Provider>
      </div>
    </section>
  );
}

/**
 * The task graph as a DAG: readable at its smallest zoom, one Tab stop with arrow keys inside,
 * Enter or a click opens a task, and a full-screen view. The layout is recomputed only when the
 * graph's shape changes, not on status changes.
 */
export const TaskGraph = memo(function TaskGraph({ tasks, onOpen }: GraphProps) {
  const shape = graphShapeKey(tasks);
  const [full, setFull] = useState(false);
  if (tasks.length === 0) {
    return (
      <section className="card graph-card" aria-labelledby="graph-title">
        <h2 id="graph-title">Task graph</h2>
        <p className="muted">No tasks yet.</p>
      </section>
    );
  }
  return (
    <ReactFlowProvider key={shape}>
      <GraphCard tasks={tasks} onOpen={onOpen} full={full} setFull={setFull} />
    </ReactFlowProvider>
  );
});
