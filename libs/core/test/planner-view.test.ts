import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Task, TaskGraph, TaskStatus } from '@aime/protocol';
import { expandedTasks, plannerTaskView, readPlannerAnswer } from '../src/index.ts';

const STATUSES: TaskStatus[] = ['pending', 'ready', 'running', 'succeeded', 'failed', 'blocked', 'skipped', 'cancelled'];

function task(id: string, status: TaskStatus, extra: Partial<Task> = {}): Task {
  return { id, title: `Task ${id}`, description: `Do ${id}.`, completionCriteria: '', status, dependsOn: [], attempts: status === 'pending' || status === 'ready' ? 0 : 1, ...extra };
}

/** A chain of n tasks, t1 ← t2 ← …, the first `done` succeeded, the next running, the rest pending. */
function chain(n: number, done: number): TaskGraph {
  const tasks = Array.from({ length: n }, (_, i) => {
    const status: TaskStatus = i < done ? 'succeeded' : i === done ? 'running' : 'pending';
    return task(`t${i + 1}`, status, i > 0 ? { dependsOn: [`t${i}`] } : {});
  });
  return { version: 1, tasks };
}

const ids = (ts: readonly Task[]) => ts.map((t) => t.id);

describe('plannerTaskView', () => {
  it('shows a small graph whole', () => {
    const g = chain(30, 10);
    expect(plannerTaskView(g)).toEqual({ listed: g.tasks, hidden: [] });
  });

  it('shows a long chain by its frontier: the running task, what it builds on and the next one', () => {
    const v = plannerTaskView(chain(500, 300));
    expect(ids(v.listed)).toEqual(['t300', 't301', 't302']);
    expect(v.hidden).toEqual([
      { id: '@succeeded', title: 'ungrouped succeeded tasks', count: 299, byStatus: { succeeded: 299 }, firstId: 't1', lastId: 't299' },
      { id: '@pending', title: 'ungrouped pending tasks', count: 198, byStatus: { pending: 198 }, firstId: 't303', lastId: 't500' },
    ]);
  });

  it('does not grow with the history: 100 and 500 finished tasks give the same listing size', () => {
    expect(plannerTaskView(chain(600, 100)).listed).toHaveLength(plannerTaskView(chain(600, 500)).listed.length);
  });

  it('summarises a finished group as one line by its top-level task', () => {
    const tasks: Task[] = [task('phase-1', 'succeeded')];
    for (let i = 0; i < 60; i++) tasks.push(task(`p1-${i}`, 'succeeded', { parentId: 'phase-1' }));
    tasks.push(task('phase-2', 'running'), task('p2-a', 'running', { parentId: 'phase-2', dependsOn: ['p1-59'] }));
    const v = plannerTaskView({ version: 3, tasks });
    expect(ids(v.listed)).toEqual(['phase-1', 'p1-59', 'phase-2', 'p2-a']);
    expect(v.hidden).toEqual([{ id: 'phase-1', title: 'Task phase-1', count: 59, byStatus: { succeeded: 59 }, firstId: 'p1-0', lastId: 'p1-58' }]);
  });

  it('lists what the planner expanded and what the news is about', () => {
    const g = chain(200, 150);
    const v = plannerTaskView(g, { expanded: ['t3'], mentioned: ['t40'] });
    expect(ids(v.listed)).toEqual(expect.arrayContaining(['t2', 't3', 't39', 't40', 't151']));
    const all = plannerTaskView(g, { expanded: ['@succeeded'] });
    expect(all.listed.filter((t) => t.status === 'succeeded')).toHaveLength(150);
    expect(all.hidden.map((h) => h.id)).toEqual(['@pending']);
  });

  it('caps the waiting wave of a wide fan-out', () => {
    const tasks = [task('root', 'running'), ...Array.from({ length: 300 }, (_, i) => task(`leaf-${i}`, 'pending', { dependsOn: ['root'] }))];
    const v = plannerTaskView({ version: 1, tasks }, { maxWaiting: 20 });
    expect(v.listed).toHaveLength(21);
    expect(v.hidden).toEqual([expect.objectContaining({ id: '@pending', count: 280 })]);
  });

  it('keeps every task once, lists every open task with its dependencies and ancestors (property)', () => {
    const graphs = fc
      .array(fc.record({ status: fc.constantFrom(...STATUSES), parent: fc.option(fc.nat(), { nil: undefined }), deps: fc.array(fc.nat(), { maxLength: 3 }) }), { minLength: 0, maxLength: 120 })
      .map((specs): TaskGraph => ({
        version: 1,
        tasks: specs.map((s, i) => {
          const earlier = (n: number) => (i === 0 ? undefined : `k${n % i}`);
          const parentId = s.parent === undefined ? undefined : earlier(s.parent);
          const dependsOn = [...new Set(s.deps.map(earlier).filter((d): d is string => d !== undefined && d !== parentId))];
          return task(`k${i}`, s.status, { dependsOn, ...(parentId ? { parentId } : {}) });
        }),
      }));
    fc.assert(
      fc.property(graphs, fc.integer({ min: 0, max: 60 }), (g, wholeUpTo) => {
        const v = plannerTaskView(g, { wholeUpTo });
        const hiddenCount = v.hidden.reduce((n, h) => n + h.count, 0);
        expect(v.listed.length + hiddenCount).toBe(g.tasks.length);
        expect(new Set(ids(v.listed)).size).toBe(v.listed.length);
        const listed = new Set(ids(v.listed));
        const parents = new Set(g.tasks.map((t) => t.parentId));
        const byId = new Map(g.tasks.map((t) => [t.id, t]));
        for (const t of g.tasks) {
          if (parents.has(t.id) || !['running', 'ready', 'failed', 'blocked'].includes(t.status)) continue;
          expect(listed.has(t.id)).toBe(true);
          for (const d of t.dependsOn) expect(listed.has(d)).toBe(true);
          for (let p = t.parentId; p !== undefined; p = byId.get(p)?.parentId) expect(listed.has(p)).toBe(true);
        }
        for (const h of v.hidden) expect(h.count).toBe(Object.values(h.byStatus).reduce((a, b) => a + b, 0));
      }),
    );
  });

  it('sums up consecutive finished groups as one line, and expands a group or a bucket by id', () => {
    const tasks: Task[] = [];
    for (let g = 0; g < 8; g++) {
      tasks.push(task(`g${g}`, g < 7 ? 'succeeded' : 'running'));
      for (let i = 0; i < 6; i++) tasks.push(task(`g${g}-${i}`, g < 7 ? 'succeeded' : i === 0 ? 'running' : 'pending', { parentId: `g${g}`, ...(i > 0 ? { dependsOn: [`g${g}-${i - 1}`] } : {}) }));
    }
    const v = plannerTaskView({ version: 1, tasks });
    expect(v.hidden[0]).toEqual({ id: 'g0', title: 'Task g0', count: 49, byStatus: { succeeded: 49 }, firstId: 'g0', lastId: 'g6-5', groups: { count: 7, lastId: 'g6' } });
    const graph = { version: 1, tasks };
    expect(expandedTasks(graph, ['g3', 'nope']).tasks.map((t) => t.id)).toEqual(['g3', 'g3-0', 'g3-1', 'g3-2', 'g3-3', 'g3-4', 'g3-5']);
    expect(expandedTasks(graph, ['g3', 'nope']).unknown).toEqual(['nope']);
  });
});

describe('an expand operation in a planner answer', () => {
  const graph: TaskGraph = { version: 1, tasks: [task('a', 'succeeded')] };
  it('is read beside the graph operations, by id or ids, and is not applied to the graph', () => {
    const read = readPlannerAnswer(graph, { thought: 't', operations: [{ op: 'expand', id: '@succeeded' }, { type: 'Expand', ids: ['a', '@succeeded'] }] }, '2026-12-01T00:00:00.000Z');
    expect(read).toMatchObject({ errors: [], applied: [], expand: ['@succeeded', 'a'] });
    expect(read.graph).toBe(graph);
  });
  it('without an id is an error quoted back', () => {
    const read = readPlannerAnswer(graph, { operations: [{ op: 'expand' }] }, '2026-12-01T00:00:00.000Z');
    expect(read.errors).toEqual(['operations[0] (expand): "expand" needs "id" (a task id, a group id or a hidden bucket such as "@succeeded")']);
  });
});
