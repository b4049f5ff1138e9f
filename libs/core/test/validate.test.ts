import { describe, expect, it } from 'vitest';
import type { Task, TaskGraph } from '@aime/protocol';
import { GraphError, validateGraph } from '../src/index.ts';
import { add, applyOk, build, codes, report } from './helpers.ts';

function t(id: string, status: Task['status'], extra: Partial<Task> = {}): Task {
  return { id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: 0, ...extra };
}
const g = (...tasks: Task[]): TaskGraph => ({ version: 1, tasks });

describe('validateGraph', () => {
  it('accepts a graph built by the reducer', () => {
    const graph = applyOk(build(add('p'), add('c1', { parentId: 'p' }), add('c2', { parentId: 'p', dependsOn: ['c1'] }), add('z', { dependsOn: ['p'] })), { op: 'dispatch', id: 'c1' }, report('c1', 'succeeded')).graph;
    expect(validateGraph(graph)).toEqual([]);
  });

  it('finds duplicate ids', () => {
    expect(codes(validateGraph(g(t('a', 'ready'), t('a', 'ready'))))).toEqual(['duplicate_task']);
  });

  it('finds missing parents and parent loops', () => {
    expect(codes(validateGraph(g(t('a', 'ready', { parentId: 'nope' }))))).toEqual(['unknown_task']);
    const loop = validateGraph(g(t('a', 'ready', { parentId: 'b' }), t('b', 'ready', { parentId: 'a' })));
    expect(codes(loop)).toEqual(['cycle', 'cycle']);
  });

  it('finds missing, self, repeated, ancestor and descendant dependencies', () => {
    expect(codes(validateGraph(g(t('a', 'pending', { dependsOn: ['ghost'] }))))).toEqual(['unknown_task']);
    expect(codes(validateGraph(g(t('a', 'pending', { dependsOn: ['a'] }))))).toEqual(['invalid_operation']);
    expect(codes(validateGraph(g(t('a', 'succeeded'), t('b', 'ready', { dependsOn: ['a', 'a'] }))))).toEqual(['invalid_operation']);
    expect(codes(validateGraph(g(t('p', 'pending'), t('c', 'pending', { parentId: 'p', dependsOn: ['p'] }))))).toEqual(['invalid_operation']);
    expect(codes(validateGraph(g(t('p', 'pending', { dependsOn: ['c'] }), t('c', 'pending', { parentId: 'p' }))))).toEqual(['invalid_operation']);
  });

  it('finds dependency cycles', () => {
    const errors = validateGraph(g(t('a', 'pending', { dependsOn: ['b'] }), t('b', 'pending', { dependsOn: ['a'] })));
    expect(codes(errors)).toEqual(['cycle']);
    expect(errors[0]).toBeInstanceOf(GraphError);
  });

  it('finds a running or succeeded task whose dependency is not met', () => {
    expect(codes(validateGraph(g(t('a', 'ready'), t('b', 'running', { dependsOn: ['a'] }))))).toEqual(['dependencies_not_met']);
    const inherited = validateGraph(g(t('x', 'failed'), t('p', 'succeeded', { dependsOn: ['x'] }), t('c', 'succeeded', { parentId: 'p' })));
    expect(codes(inherited)).toEqual(['dependencies_not_met', 'dependencies_not_met']);
    expect(inherited[1]?.message).toContain('inherited from "p"');
  });

  it('finds leaves whose ready/pending status disagrees with their dependencies', () => {
    expect(codes(validateGraph(g(t('a', 'pending'))))).toEqual(['not_normalised']);
    expect(codes(validateGraph(g(t('a', 'pending'), t('b', 'ready', { dependsOn: ['a'] }))))).toEqual(['not_normalised', 'not_normalised']);
  });

  it('finds a parent whose status is not the one its children give it', () => {
    const errors = validateGraph(g(t('p', 'succeeded'), t('c', 'running', { parentId: 'p', attempts: 1 })));
    expect(codes(errors)).toEqual(['parent_inconsistent']);
    expect(errors[0]?.message).toBe('parent "p" is succeeded but its subtasks make it running');
  });
});
