import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TaskGraph } from '@aime/protocol';
import { applyOperations, decideStep, readPlannerAnswer, validateGraph } from '../src/index.ts';

const NOW = '2026-12-01T00:00:00.000Z';
const EMPTY: TaskGraph = { version: 3, tasks: [] };

function graphOf(ops: unknown[]): TaskGraph {
  const r = readPlannerAnswer(EMPTY, { thought: '', operations: ops }, NOW);
  expect(r.errors).toEqual([]);
  return r.graph;
}

describe('decideStep: the decision of a planner step, without Redis', () => {
  it('dispatches the planner\'s preferred ready tasks first, within the parallel budget, and tells of each', () => {
    const after = graphOf([1, 2, 3, 4].map((n) => ({ op: 'add', task: { id: `t${n}`, title: `T${n}` } })));
    const d = decideStep({ before: EMPTY, after, preferred: ['t3'], thought: 'go', operations: [], step: 1, maxParallelActors: 2, now: NOW });
    expect(d.dispatches.map((x) => x.taskId)).toEqual(['t3', 't1']);
    expect(d.dispatches).toEqual([
      { taskId: 't3', attempt: 1, actorId: 't3.1' },
      { taskId: 't1', attempt: 1, actorId: 't1.1' },
    ]);
    expect(d.events.map((e) => e.type)).toEqual(['plan.updated', 'task.updated', 'task.updated', 'task.dispatched', 'task.dispatched']);
    expect(d.events[0]).toMatchObject({ type: 'plan.updated', data: { version: 4, step: 1, added: ['t1', 't2', 't3', 't4'] } });
    expect(d.graph.tasks.filter((t) => t.status === 'running').map((t) => t.id)).toEqual(['t1', 't3']);
  });

  it('dispatches nothing when the running tasks already fill the budget', () => {
    const two = graphOf([{ op: 'add', task: { id: 'a', title: 'A' } }, { op: 'add', task: { id: 'b', title: 'B' } }]);
    const running = applyOperations(two, [{ op: 'dispatch', id: 'a' }]);
    if (!running.ok) throw new Error('setup');
    const d = decideStep({ before: running.graph, after: running.graph, preferred: ['b'], thought: '', operations: [], step: 2, maxParallelActors: 1, now: NOW });
    expect(d.dispatches).toEqual([]);
  });

  it('never dispatches more than the budget allows, nor a task that was not ready, and keeps the graph valid (property)', () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 12 }),
      deps: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 15 }),
      preferred: fc.array(fc.nat(), { maxLength: 5 }),
      max: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(arb, ({ n, deps, preferred, max }) => {
        // Dependencies only point to earlier tasks: a DAG by construction.
        const ops = Array.from({ length: n }, (_, i) => ({
          op: 'add',
          task: { id: `t${i}`, title: `T${i}`, dependsOn: [...new Set(deps.filter(([a, b]) => a % n === i && b % n < i).map(([, b]) => `t${b % n}`))] },
        }));
        const after = graphOf(ops);
        const ready = new Set(after.tasks.filter((t) => t.status === 'ready').map((t) => t.id));
        const d = decideStep({ before: EMPTY, after, preferred: preferred.map((p) => `t${p % n}`), thought: '', operations: [], step: 1, maxParallelActors: max, now: NOW });
        expect(d.dispatches.length).toBeLessThanOrEqual(max);
        for (const x of d.dispatches) expect(ready.has(x.taskId)).toBe(true);
        expect(d.events.filter((e) => e.type === 'task.dispatched')).toHaveLength(d.dispatches.length);
        expect(validateGraph(d.graph)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
