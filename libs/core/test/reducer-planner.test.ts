import { describe, expect, it } from 'vitest';
import { validateGraph } from '../src/index.ts';
import { EMPTY, add, applyOk, build, byId, codes, refused, report, run, statuses } from './helpers.ts';

describe('applyOperations: add', () => {
  it('adds a task as pending and makes it ready when it has no dependencies', () => {
    const r = applyOk(EMPTY, add('a'), add('b', { dependsOn: ['a'] }));
    expect(statuses(r.graph)).toEqual({ a: 'ready', b: 'pending' });
    expect(r.added).toEqual(['a', 'b']);
    expect(byId(r.graph, 'b')).toMatchObject({ attempts: 0, dependsOn: ['a'], description: '', completionCriteria: '' });
  });

  it('never changes the graph version (the store bumps it)', () => {
    const r = applyOk({ version: 7, tasks: [] }, add('a'));
    expect(r.graph.version).toBe(7);
  });

  it('does not mutate the input graph', () => {
    const g = build(add('a'), add('b'));
    const copy = structuredClone(g);
    applyOk(g, { op: 'dispatch', id: 'a' }, { op: 'skip', id: 'b', reason: 'not needed' });
    expect(g).toEqual(copy);
  });

  it('refuses a duplicate id', () => {
    const errors = refused(build(add('a')), add('a'));
    expect(codes(errors)).toEqual(['duplicate_task']);
    expect(errors[0]?.message).toContain('task "a" already exists');
  });

  it('refuses an unknown parent and an unknown dependency, reporting both', () => {
    const errors = refused(EMPTY, add('a', { parentId: 'nope', dependsOn: ['ghost'] }));
    expect(codes(errors)).toEqual(['unknown_task', 'unknown_task']);
    expect(errors[0]?.message).toBe('op 0 (add "a"): parent "nope" does not exist');
    expect(errors[1]?.message).toBe('op 0 (add "a"): dependency "ghost" does not exist');
  });

  it('refuses a self-dependency and a dependency on an ancestor as invalid operations', () => {
    const g = build(add('p'));
    expect(codes(refused(g, add('x', { dependsOn: ['x'] })))).toEqual(['invalid_operation']);
    const errors = refused(g, add('c', { parentId: 'p', dependsOn: ['p'] }));
    expect(codes(errors)).toEqual(['invalid_operation']);
    expect(errors[0]?.message).toContain('ancestor "p"');
  });

  it('refuses a dependency loop through an inherited dependency', () => {
    // d waits for p to finish; a subtask of p that waits for d could never start.
    const g = build(add('p'), add('p1', { parentId: 'p' }), add('d', { dependsOn: ['p'] }));
    const errors = refused(g, add('p2', { parentId: 'p', dependsOn: ['d'] }));
    expect(codes(errors)).toEqual(['cycle']);
    expect(errors[0]?.message).toMatch(/"p2".*"d".*"p"/);
  });

  it('refuses a subtask under a running task and under a finished task', () => {
    const g = applyOk(build(add('a'), add('b')), { op: 'dispatch', id: 'a' }, { op: 'skip', id: 'b' }).graph;
    expect(codes(refused(g, add('a1', { parentId: 'a' })))).toEqual(['task_running']);
    expect(codes(refused(g, add('b1', { parentId: 'b' })))).toEqual(['illegal_transition']);
  });

  it('splits a failed leaf into subtasks, which turns it into a pending parent', () => {
    const g = applyOk(build(add('a')), { op: 'dispatch', id: 'a' }, report('a', 'failed')).graph;
    const r = applyOk(g, add('a1', { parentId: 'a' }));
    expect(statuses(r.graph)).toEqual({ a: 'ready', a1: 'ready' });
    expect(r.changed).toEqual(['a']);
  });

  it('names the rejected add when a later op refers to its task', () => {
    const errors = refused(EMPTY, add('a', { parentId: 'nope' }), { op: 'dispatch', id: 'a' });
    expect(errors[1]?.message).toBe('op 1 (dispatch "a"): task "a" does not exist (its add in op 0 was rejected)');
  });

  it('lets a batch add a task and dispatch it at once', () => {
    const r = applyOk(EMPTY, add('a'), { op: 'dispatch', id: 'a' });
    expect(r.dispatched).toEqual(['a']);
    expect(r.added).toEqual(['a']);
  });
});

describe('applyOperations: update', () => {
  it('edits the fields of a pending task', () => {
    const g = build(add('a'), add('b', { dependsOn: ['a'] }));
    const r = applyOk(g, { op: 'update', id: 'b', patch: { title: 'New', completionCriteria: 'done when X', dependsOn: [] } });
    expect(byId(r.graph, 'b')).toMatchObject({ title: 'New', completionCriteria: 'done when X', dependsOn: [], status: 'ready' });
    expect(r.changed).toEqual(['b']);
  });

  it('sends a ready task back to pending when it gains an unmet dependency', () => {
    const g = build(add('a'), add('b'));
    const r = applyOk(g, { op: 'update', id: 'b', patch: { dependsOn: ['a'] } });
    expect(byId(r.graph, 'b').status).toBe('pending');
  });

  it('refuses to edit a running task', () => {
    const g = applyOk(build(add('a')), { op: 'dispatch', id: 'a' }).graph;
    const errors = refused(g, { op: 'update', id: 'a', patch: { title: 'x' } });
    expect(codes(errors)).toEqual(['task_running']);
  });

  it('refuses to edit a finished task but allows editing a failed one before a retry', () => {
    const g = applyOk(build(add('a'), add('b')), { op: 'dispatch', id: 'a' }, { op: 'dispatch', id: 'b' }, report('a', 'succeeded'), report('b', 'failed')).graph;
    expect(codes(refused(g, { op: 'update', id: 'a', patch: { title: 'x' } }))).toEqual(['illegal_transition']);
    expect(byId(applyOk(g, { op: 'update', id: 'b', patch: { description: 'try the later train' } }).graph, 'b').description).toBe('try the later train');
  });

  it('refuses a dependency on a descendant', () => {
    const g = build(add('p'), add('c', { parentId: 'p' }));
    const errors = refused(g, { op: 'update', id: 'p', patch: { dependsOn: ['c'] } });
    expect(codes(errors)).toEqual(['invalid_operation']);
    expect(errors[0]?.message).toContain('own subtask "c"');
  });

  it('refuses a dependency cycle between two tasks', () => {
    const g = build(add('a'), add('b', { dependsOn: ['a'] }));
    expect(codes(refused(g, { op: 'update', id: 'a', patch: { dependsOn: ['b'] } }))).toEqual(['cycle']);
  });

  it('refuses new parent dependencies that work already done underneath did not wait for', () => {
    const g = applyOk(build(add('x'), add('p'), add('c1', { parentId: 'p' }), add('c2', { parentId: 'p' })), { op: 'dispatch', id: 'c1' }, report('c1', 'succeeded')).graph;
    const errors = refused(g, { op: 'update', id: 'p', patch: { dependsOn: ['x'] } });
    expect(codes(errors)).toEqual(['dependencies_not_met']);
    expect(errors[0]?.message).toContain('"c1" is already succeeded');
  });

  it('refuses a dependency on a task removed earlier in the batch', () => {
    const g = build(add('a'), add('b'));
    const errors = refused(g, { op: 'remove', id: 'a' }, { op: 'update', id: 'b', patch: { dependsOn: ['a'] } });
    expect(codes(errors)).toEqual(['invalid_operation']);
    expect(errors[0]?.message).toBe('op 1 (update "b"): "b" cannot depend on "a": it was removed by op 0 of this batch');
  });
});

describe('applyOperations: remove', () => {
  it('removes a task with its whole subtree', () => {
    const g = build(add('p'), add('c', { parentId: 'p' }), add('g', { parentId: 'c' }), add('q'));
    const r = applyOk(g, { op: 'remove', id: 'p' });
    expect(r.graph.tasks.map((t) => t.id)).toEqual(['q']);
    expect(r.removed).toEqual(['p', 'c', 'g']);
  });

  it('refuses when a task of the subtree is running, naming it', () => {
    const g = applyOk(build(add('p'), add('c', { parentId: 'p' }), add('d', { parentId: 'p' })), { op: 'dispatch', id: 'c' }).graph;
    const errors = refused(g, { op: 'remove', id: 'p' });
    expect(codes(errors)).toEqual(['task_running']);
    expect(errors[0]?.message).toContain('"c"');
  });

  it('refuses when a remaining task depends on a removed one, naming the dependent', () => {
    const g = build(add('p'), add('c', { parentId: 'p' }), add('z', { dependsOn: ['c'] }));
    const errors = refused(g, { op: 'remove', id: 'p' });
    expect(codes(errors)).toEqual(['invalid_operation']);
    expect(errors[0]?.message).toContain('task "z" depends on it');
  });

  it('refuses to remove a succeeded task', () => {
    const g = applyOk(build(add('a')), { op: 'dispatch', id: 'a' }, report('a', 'succeeded')).graph;
    expect(codes(refused(g, { op: 'remove', id: 'a' }))).toEqual(['illegal_transition']);
  });

  it('turns a parent whose last subtask is removed back into a ready leaf', () => {
    const g = build(add('p'), add('c', { parentId: 'p' }));
    const r = applyOk(g, { op: 'remove', id: 'c' });
    expect(statuses(r.graph)).toEqual({ p: 'ready' });
    expect(r.removed).toEqual(['c']);
  });

  it('names a task removed earlier in the batch when a later op uses it', () => {
    const errors = refused(build(add('a')), { op: 'remove', id: 'a' }, { op: 'dispatch', id: 'a' });
    expect(errors[0]?.message).toBe('op 1 (dispatch "a"): task "a" was removed by op 0 of this batch');
  });
});

describe('applyOperations: skip and retry', () => {
  it('skips a pending task with its reason and unlocks its dependents', () => {
    const g = build(add('a'), add('b', { dependsOn: ['a'] }));
    const r = applyOk(g, { op: 'skip', id: 'a', reason: 'already booked' });
    expect(byId(r.graph, 'a')).toMatchObject({ status: 'skipped', reason: 'already booked' });
    expect(byId(r.graph, 'b').status).toBe('ready');
    expect(r.changed).toEqual(['a', 'b']);
  });

  it('refuses to skip a running task and a succeeded one', () => {
    const g = applyOk(build(add('a'), add('b')), { op: 'dispatch', id: 'a' }, { op: 'dispatch', id: 'b' }, report('b', 'succeeded')).graph;
    expect(codes(refused(g, { op: 'skip', id: 'a' }))).toEqual(['task_running']);
    expect(codes(refused(g, { op: 'skip', id: 'b' }))).toEqual(['illegal_transition']);
  });

  it('skips every unfinished leaf of a parent', () => {
    const g = applyOk(build(add('p'), add('c1', { parentId: 'p' }), add('c2', { parentId: 'p' })), { op: 'dispatch', id: 'c1' }, report('c1', 'succeeded')).graph;
    const r = applyOk(g, { op: 'skip', id: 'p', reason: 'enough' });
    expect(statuses(r.graph)).toEqual({ p: 'succeeded', c1: 'succeeded', c2: 'skipped' });
  });

  it('retries a failed task back to ready, keeping the old report until a new one arrives', () => {
    const g = applyOk(build(add('a')), { op: 'dispatch', id: 'a' }, report('a', 'failed', 'sold out')).graph;
    const r = applyOk(g, { op: 'retry', id: 'a' });
    expect(byId(r.graph, 'a')).toMatchObject({ status: 'ready', attempts: 1, report: { status: 'failed', summary: 'sold out' } });
    const again = applyOk(r.graph, { op: 'dispatch', id: 'a' });
    expect(byId(again.graph, 'a').attempts).toBe(2);
  });

  it('refuses to retry a task that did not fail or block', () => {
    const errors = refused(build(add('a')), { op: 'retry', id: 'a' });
    expect(codes(errors)).toEqual(['illegal_transition']);
    expect(errors[0]?.message).toBe('op 0 (retry "a"): "a" is ready; can retry only a task that is failed or blocked');
  });
});

describe('applyOperations: dispatch', () => {
  it('runs a ready leaf, counts the attempt and notes the dispatch time when given', () => {
    const r = run(build(add('a')), [{ op: 'dispatch', id: 'a' }], '2025-05-01T10:00:00.000Z');
    expect(r.ok && byId(r.graph, 'a')).toMatchObject({ status: 'running', attempts: 1, progress: { status: 'dispatched', at: '2025-05-01T10:00:00.000Z' } });
  });

  it('refuses a task whose dependency has not succeeded, naming the dependency and its status', () => {
    const g = applyOk(build(add('search-trains'), add('book-train', { dependsOn: ['search-trains'] })), { op: 'dispatch', id: 'search-trains' }).graph;
    const errors = refused(g, { op: 'update', id: 'search-trains', patch: {} }, { op: 'dispatch', id: 'book-train' });
    expect(codes(errors)).toEqual(['task_running', 'dependencies_not_met']);
    expect(errors[1]?.message).toBe('op 1 (dispatch "book-train"): dependency "search-trains" is running, not succeeded');
  });

  it('names a dependency inherited from the parent', () => {
    const g = build(add('x'), add('p', { dependsOn: ['x'] }), add('c', { parentId: 'p' }));
    const errors = refused(g, { op: 'dispatch', id: 'c' });
    expect(errors[0]?.message).toBe('op 0 (dispatch "c"): dependency "x" (inherited from parent "p") is ready, not succeeded');
  });

  it('refuses to dispatch a parent and points at its ready subtasks', () => {
    const g = build(add('p'), add('c', { parentId: 'p' }));
    const errors = refused(g, { op: 'dispatch', id: 'p' });
    expect(codes(errors)).toEqual(['parent_inconsistent']);
    expect(errors[0]?.message).toContain('"c"');
  });

  it('refuses to dispatch a running task twice', () => {
    const g = applyOk(build(add('a')), { op: 'dispatch', id: 'a' }).graph;
    expect(codes(refused(g, { op: 'dispatch', id: 'a' }))).toEqual(['illegal_transition']);
  });

  it('refuses an unknown task', () => {
    expect(codes(refused(EMPTY, { op: 'dispatch', id: 'ghost' }))).toEqual(['unknown_task']);
  });
});

describe('applyOperations: finish', () => {
  it('returns the finish and cancels work that never started', () => {
    const g = applyOk(build(add('a'), add('b', { dependsOn: ['a'] })), { op: 'dispatch', id: 'a' }, report('a', 'succeeded')).graph;
    const r = applyOk(g, { op: 'finish', status: 'succeeded', answer: 'Trip booked' });
    expect(r.finish).toEqual({ status: 'succeeded', answer: 'Trip booked', artifacts: [] });
    expect(byId(r.graph, 'b')).toMatchObject({ status: 'cancelled', reason: 'mission finished' });
    expect(validateGraph(r.graph)).toEqual([]);
  });

  it('refuses to finish while a task runs', () => {
    const g = applyOk(build(add('a')), { op: 'dispatch', id: 'a' }).graph;
    const errors = refused(g, { op: 'finish', status: 'failed', answer: 'give up' });
    expect(codes(errors)).toEqual(['finished']);
    expect(errors[0]?.message).toContain('"a"');
  });

  it('refuses every operation that follows finish in the same batch', () => {
    const errors = refused(EMPTY, { op: 'finish', status: 'failed', answer: 'nothing to do' }, add('a'), { op: 'finish', status: 'succeeded', answer: 'x' });
    expect(codes(errors)).toEqual(['finished', 'finished']);
    expect(errors.map((e) => e.opIndex)).toEqual([1, 2]);
  });
});

describe('applyOperations: batches', () => {
  it('refuses a whole batch and reports every error when some operations are wrong', () => {
    const g = build(add('a'));
    const errors = refused(g, add('b'), { op: 'dispatch', id: 'ghost' }, add('a'), { op: 'skip', id: 'nope' });
    expect(codes(errors)).toEqual(['unknown_task', 'duplicate_task', 'unknown_task']);
    expect(errors.map((e) => e.opIndex)).toEqual([1, 2, 3]);
  });

  it('reports schema problems and unknown operations as invalid operations', () => {
    const errors = refused(EMPTY, { op: 'add', task: { id: 'has space', title: '' } }, { op: 'explode', id: 'a' });
    expect(codes(errors)).toEqual(['invalid_operation', 'invalid_operation']);
    expect(errors[0]?.message).toContain('task.id');
    expect(errors[0]?.message).toContain('task.title');
    expect(errors[1]?.message).toContain('unknown operation "explode"');
  });

  it('applies an empty batch without changing anything', () => {
    const g = build(add('a'), add('b', { dependsOn: ['a'] }));
    const r = applyOk(g);
    expect(r.graph).toEqual(g);
    expect([r.added, r.changed, r.removed, r.dispatched]).toEqual([[], [], [], []]);
  });

  it('reports as dispatched only tasks still running at the end of the batch', () => {
    const r = applyOk(build(add('a'), add('b')), { op: 'dispatch', id: 'a' }, { op: 'dispatch', id: 'b' }, { op: 'cancel', id: 'a' });
    expect(r.dispatched).toEqual(['b']);
  });
});
