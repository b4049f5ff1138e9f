/**
 * The decision half of a planner step, pure: given the graph at the step's start, the graph
 * after the runtime's own operations (reports, blocks) and the planner's accepted answer, it
 * decides what to dispatch and which events tell of it. The orchestrator (services/commander)
 * keeps the lock, the I/O and the model call, and commits what this returns in one write.
 */
import type { GraphOperation, NewEvent, PlannerOperation, TaskGraph } from '@aime/protocol';
import { selectDispatchable } from './queries.ts';
import { applyOperations } from './reducer.ts';

/** The actor id of a task's current attempt: `<taskId>.<attempt>`. */
export function actorIdOf(graph: TaskGraph, taskId: string): string {
  const t = graph.tasks.find((x) => x.id === taskId);
  return `${taskId}.${t?.attempts ?? 1}`;
}

/** Which tasks `after` added, changed and removed relative to `before` (for `plan.updated`). */
export function diffGraphs(before: TaskGraph, after: TaskGraph): { added: string[]; changed: string[]; removed: string[] } {
  const old = new Map(before.tasks.map((t) => [t.id, t]));
  const now = new Set(after.tasks.map((t) => t.id));
  return {
    added: after.tasks.filter((t) => !old.has(t.id)).map((t) => t.id),
    changed: after.tasks.filter((t) => old.has(t.id) && old.get(t.id) !== t && JSON.stringify(old.get(t.id)) !== JSON.stringify(t)).map((t) => t.id),
    removed: before.tasks.filter((t) => !now.has(t.id)).map((t) => t.id),
  };
}

/** `task.updated` for every task whose status changed (`except`: tasks with an event of their own). */
export function statusEvents(before: TaskGraph, after: TaskGraph, except: ReadonlySet<string> = new Set()): NewEvent[] {
  const prev = new Map(before.tasks.map((t) => [t.id, t.status]));
  return after.tasks
    .filter((t) => prev.get(t.id) !== t.status && !except.has(t.id))
    .map((t): NewEvent => ({ type: 'task.updated', taskId: t.id, data: { status: t.status, ...(t.reason ? { reason: t.reason } : {}) } }));
}

/** The ready tasks to start now: the planner's preferred ones first, within the room left. */
export function chooseDispatches(graph: TaskGraph, preferred: readonly string[], maxParallel: number): string[] {
  const ready = new Set(graph.tasks.filter((t) => t.status === 'ready').map((t) => t.id));
  const running = graph.tasks.filter((t) => t.status === 'running').length;
  const room = Math.max(0, maxParallel - running);
  const order = [...preferred.filter((id) => ready.has(id)), ...selectDispatchable(graph, maxParallel)];
  return [...new Set(order)].slice(0, room);
}

/**
 * Applies runtime operations one at a time so a stale one (a late report for a cancelled
 * attempt) cannot block the others; returns the refused ones for the log.
 */
export function applyEach(graph: TaskGraph, ops: readonly GraphOperation[]): { graph: TaskGraph; changed: boolean; refused: Array<{ op: GraphOperation; errors: string[] }> } {
  let g = graph;
  let changed = false;
  const refused: Array<{ op: GraphOperation; errors: string[] }> = [];
  for (const op of ops) {
    const r = applyOperations(g, [op]);
    if (r.ok) {
      g = r.graph;
      changed = true;
    } else refused.push({ op, errors: r.errors.map((e) => e.message) });
  }
  return { graph: g, changed, refused };
}

export interface StepDecisionInput {
  /** The graph as stored when the step began (its version is the one the commit checks). */
  before: TaskGraph;
  /** The graph after the runtime's operations and the planner's accepted operations. */
  after: TaskGraph;
  /** Ready tasks the planner asked to start first. */
  preferred: readonly string[];
  thought: string;
  /** The planner's operations that were applied (for `plan.updated`). */
  operations: PlannerOperation[];
  step: number;
  maxParallelActors: number;
  /** ISO time, for the "dispatched" progress note. */
  now: string;
}

export interface StepDecision {
  /** The graph to commit: `after` with the dispatched tasks running and assigned. */
  graph: TaskGraph;
  /** `plan.updated`, then `task.updated` per status change, then `task.dispatched` per dispatch. */
  events: NewEvent[];
  /** Dispatched tasks with the attempt each runs. */
  dispatches: Array<{ taskId: string; attempt: number; actorId: string }>;
}

/**
 * Decides a planner step that does not finish the mission: dispatches every ready task the
 * budget allows (the planner's choices first), assigns each its actor, and builds the events.
 * @throws Error when the reducer refuses a dispatch it just selected (a bug, not bad input).
 */
export function decideStep(input: StepDecisionInput): StepDecision {
  const { before, step } = input;
  let next = input.after;
  const chosen = chooseDispatches(next, input.preferred, input.maxParallelActors);
  if (chosen.length) {
    const dispatched = applyOperations(next, chosen.map((id): GraphOperation => ({ op: 'dispatch', id })), { now: input.now });
    if (!dispatched.ok) throw new Error(`dispatch of ready tasks was refused: ${dispatched.errors.map((e) => e.message).join('; ')}`);
    const assigned = applyOperations(dispatched.graph, chosen.map((id): GraphOperation => ({ op: 'assign', id, actorId: actorIdOf(dispatched.graph, id) })));
    if (!assigned.ok) throw new Error(`actor assignment was refused: ${assigned.errors.map((e) => e.message).join('; ')}`);
    next = assigned.graph;
  }
  const dispatches = chosen.map((id) => {
    const t = next.tasks.find((x) => x.id === id)!;
    return { taskId: id, attempt: t.attempts, actorId: t.actorId ?? actorIdOf(next, id) };
  });
  const events: NewEvent[] = [
    {
      type: 'plan.updated',
      data: { version: before.version + 1, step, thought: input.thought, operations: input.operations, ...diffGraphs(before, input.after) },
    },
    ...statusEvents(before, next, new Set(chosen)),
    ...dispatches.map((d): NewEvent => ({ type: 'task.dispatched', taskId: d.taskId, actorId: d.actorId, data: { attempt: d.attempt } })),
  ];
  return { graph: next, events, dispatches };
}
