import { describe, expect, it } from 'vitest';
import { add, applyOk, build, byId, codes, refused, report, statuses } from './helpers.ts';

const running = () => applyOk(build(add('a'), add('b', { dependsOn: ['a'] })), { op: 'dispatch', id: 'a' }).graph;

describe('applyOperations: system operations', () => {
  it('assigns an actor and records progress on a running task', () => {
    const r = applyOk(running(), { op: 'assign', id: 'a', actorId: 'actor-1' }, { op: 'progress', id: 'a', progress: { status: 'searching', message: '3 trains found', at: 't1' } });
    expect(byId(r.graph, 'a')).toMatchObject({ actorId: 'actor-1', progress: { status: 'searching', message: '3 trains found' } });
    expect(r.changed).toEqual(['a']);
  });

  it('refuses assign and progress on a task that is not running', () => {
    const g = running();
    expect(codes(refused(g, { op: 'assign', id: 'b', actorId: 'x' }))).toEqual(['illegal_transition']);
    expect(codes(refused(g, { op: 'progress', id: 'b', progress: { status: 's', message: 'm', at: 't' } }))).toEqual(['illegal_transition']);
  });

  it('refuses leaf-only operations on a parent', () => {
    const g = build(add('p'), add('c', { parentId: 'p' }));
    for (const op of [{ op: 'block', id: 'p', reason: 'r' }, { op: 'unblock', id: 'p' }, report('p', 'succeeded'), { op: 'assign', id: 'p', actorId: 'x' }]) {
      expect(codes(refused(g, op))).toEqual(['parent_inconsistent']);
    }
  });

  it('stores a report and takes its status; a success unlocks dependents', () => {
    const r = applyOk(running(), report('a', 'succeeded', 'found the 10:00 Nozomi', { references: ['https://jr.example/10'] }));
    expect(byId(r.graph, 'a')).toMatchObject({ status: 'succeeded', report: { summary: 'found the 10:00 Nozomi' } });
    expect(byId(r.graph, 'b').status).toBe('ready');
  });

  it('moves a running task to failed or blocked from its report', () => {
    expect(byId(applyOk(running(), report('a', 'failed')).graph, 'a').status).toBe('failed');
    expect(byId(applyOk(running(), report('a', 'blocked')).graph, 'a').status).toBe('blocked');
  });

  it('refuses a late report for a task that no longer runs', () => {
    const g = applyOk(running(), { op: 'cancel', id: 'a', reason: 'operator' }).graph;
    const errors = refused(g, report('a', 'succeeded'));
    expect(codes(errors)).toEqual(['illegal_transition']);
    expect(errors[0]?.message).toContain('"a" is cancelled');
  });

  it('blocks a task with a reason and unblocks it back to ready', () => {
    const blocked = applyOk(build(add('a')), { op: 'block', id: 'a', reason: 'needs approval' }).graph;
    expect(byId(blocked, 'a')).toMatchObject({ status: 'blocked', reason: 'needs approval' });
    const un = applyOk(blocked, { op: 'unblock', id: 'a' }).graph;
    expect(byId(un, 'a').status).toBe('ready');
    expect(byId(un, 'a').reason).toBeUndefined();
  });

  it('refuses to block a finished task and to unblock a task that is not blocked', () => {
    const done = applyOk(running(), report('a', 'succeeded')).graph;
    expect(codes(refused(done, { op: 'block', id: 'a', reason: 'x' }))).toEqual(['illegal_transition']);
    expect(codes(refused(done, { op: 'unblock', id: 'b' }))).toEqual(['illegal_transition']);
  });

  it('cancels any unfinished task, including a running one, but not a finished one', () => {
    const r = applyOk(running(), { op: 'cancel', id: 'a', reason: 'operator cancelled' }, { op: 'cancel', id: 'b' });
    expect(statuses(r.graph)).toEqual({ a: 'cancelled', b: 'cancelled' });
    expect(byId(r.graph, 'a').reason).toBe('operator cancelled');
    expect(codes(refused(r.graph, { op: 'cancel', id: 'a' }))).toEqual(['illegal_transition']);
  });

  it('cancels a whole subtree when given a parent', () => {
    const g = applyOk(build(add('p'), add('c1', { parentId: 'p' }), add('c2', { parentId: 'p' })), { op: 'dispatch', id: 'c1' }).graph;
    const r = applyOk(g, { op: 'cancel', id: 'p', reason: 'stop' });
    expect(statuses(r.graph)).toEqual({ p: 'cancelled', c1: 'cancelled', c2: 'cancelled' });
    expect(codes(refused(r.graph, { op: 'cancel', id: 'p' }))).toEqual(['illegal_transition']);
  });
});
