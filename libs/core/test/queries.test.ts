import { describe, expect, it } from 'vitest';
import { isGraphSettled, progressCounts, readyTasks, runningTasks, selectDispatchable } from '../src/index.ts';
import { EMPTY, add, applyOk, build, report } from './helpers.ts';

describe('graph queries', () => {
  const g = applyOk(
    build(add('p'), add('c1', { parentId: 'p' }), add('c2', { parentId: 'p' }), add('c3', { parentId: 'p' }), add('d', { dependsOn: ['p'] }), add('e')),
    { op: 'dispatch', id: 'c2' },
  ).graph;

  it('lists ready and running leaves in graph order, never parents', () => {
    expect(readyTasks(g).map((t) => t.id)).toEqual(['c1', 'c3', 'e']);
    expect(runningTasks(g).map((t) => t.id)).toEqual(['c2']);
  });

  it('selects ready leaves so that running plus selected stays within maxParallel', () => {
    expect(selectDispatchable(g, 3)).toEqual(['c1', 'c3']);
    expect(selectDispatchable(g, 10)).toEqual(['c1', 'c3', 'e']);
    expect(selectDispatchable(g, 1)).toEqual([]);
    expect(selectDispatchable(g, 0)).toEqual([]);
  });

  it('counts leaves only, with failed and cancelled as done', () => {
    const next = applyOk(g, report('c2', 'failed'), { op: 'cancel', id: 'e' }, { op: 'skip', id: 'c1' }).graph;
    expect(progressCounts(next)).toEqual({ done: 3, total: 5 });
    expect(progressCounts(EMPTY)).toEqual({ done: 0, total: 0 });
  });

  it('is settled only when nothing runs, nothing is ready and no pending task can still start', () => {
    expect(isGraphSettled(EMPTY)).toBe(true);
    expect(isGraphSettled(g)).toBe(false);
    const onlyBlocked = applyOk(build(add('a'), add('b', { dependsOn: ['a'] })), { op: 'block', id: 'a', reason: 'waiting for a human' }).graph;
    expect(isGraphSettled(onlyBlocked)).toBe(true);
    const waitingOnRunning = applyOk(build(add('a'), add('b', { dependsOn: ['a'] })), { op: 'dispatch', id: 'a' }).graph;
    expect(isGraphSettled(waitingOnRunning)).toBe(false);
  });

  it('sees a pending task stuck behind a failed subtask of its dependency as settled', () => {
    const stuck = applyOk(build(add('p'), add('c', { parentId: 'p' }), add('d', { dependsOn: ['p'] })), { op: 'dispatch', id: 'c' }, report('c', 'failed')).graph;
    expect(isGraphSettled(stuck)).toBe(true);
    expect(isGraphSettled(applyOk(stuck, { op: 'retry', id: 'c' }).graph)).toBe(false);
  });
});
