import { describe, expect, it } from 'vitest';
import type { Task } from '@aime/protocol';
import { deriveParentStatus, normaliseTasks } from '../src/index.ts';
import { add, applyOk, build, report, statuses } from './helpers.ts';

function t(id: string, status: Task['status'], extra: Partial<Task> = {}): Task {
  return { id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: 0, ...extra };
}

describe('deriveParentStatus', () => {
  it('follows the precedence running > ready > pending > blocked > failed > cancelled', () => {
    expect(deriveParentStatus(['succeeded', 'running', 'failed'])).toBe('running');
    expect(deriveParentStatus(['pending', 'ready', 'failed'])).toBe('ready');
    expect(deriveParentStatus(['pending', 'blocked', 'failed'])).toBe('pending');
    expect(deriveParentStatus(['succeeded', 'blocked', 'failed'])).toBe('blocked');
    expect(deriveParentStatus(['succeeded', 'failed', 'cancelled'])).toBe('failed');
    expect(deriveParentStatus(['succeeded', 'cancelled'])).toBe('cancelled');
  });

  it('is succeeded when all children succeeded or were skipped, skipped when all were skipped', () => {
    expect(deriveParentStatus(['succeeded', 'skipped'])).toBe('succeeded');
    expect(deriveParentStatus(['skipped', 'skipped'])).toBe('skipped');
  });
});

describe('normaliseTasks', () => {
  it('makes a pending leaf with met dependencies ready and a ready leaf with unmet ones pending', () => {
    const out = normaliseTasks([t('a', 'succeeded'), t('b', 'pending', { dependsOn: ['a'] }), t('c', 'running'), t('d', 'ready', { dependsOn: ['c'] })]);
    expect(out.map((x) => x.status)).toEqual(['succeeded', 'ready', 'running', 'pending']);
  });

  it('keeps the identity of tasks it does not change', () => {
    const input = [t('a', 'succeeded'), t('b', 'pending', { dependsOn: ['a'] })];
    const out = normaliseTasks(input);
    expect(out[0]).toBe(input[0]);
    expect(out[1]).not.toBe(input[1]);
  });

  it('derives nested parent statuses bottom-up in one call', () => {
    const out = normaliseTasks([t('root', 'pending'), t('mid', 'pending', { parentId: 'root' }), t('leaf', 'succeeded', { parentId: 'mid' })]);
    expect(out.map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('holds subtasks back until the parent\'s own dependencies are met', () => {
    const g = build(add('x'), add('p', { dependsOn: ['x'] }), add('c', { parentId: 'p' }));
    expect(statuses(g)).toEqual({ x: 'ready', p: 'pending', c: 'pending' });
    const done = applyOk(g, { op: 'dispatch', id: 'x' }, report('x', 'succeeded')).graph;
    expect(statuses(done)).toEqual({ x: 'succeeded', p: 'ready', c: 'ready' });
  });

  it('treats a dependency on a parent as met only when its whole subtree is done', () => {
    let g = build(add('p'), add('c1', { parentId: 'p' }), add('c2', { parentId: 'p' }), add('after', { dependsOn: ['p'] }));
    g = applyOk(g, { op: 'dispatch', id: 'c1' }, report('c1', 'succeeded')).graph;
    expect(statuses(g).after).toBe('pending');
    g = applyOk(g, { op: 'skip', id: 'c2' }).graph;
    expect(statuses(g)).toMatchObject({ p: 'succeeded', after: 'ready' });
  });
});
