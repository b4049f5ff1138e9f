import { describe, it, expect } from 'vitest';
import { taskCounts } from '@aime/core/views';
import { buildTaskTree, graphShapeKey } from '../src/lib/task-tree.ts';
import { layoutTaskGraph, taskEdges } from '../src/lib/graph-layout.ts';
import { task } from './fixtures.ts';

describe('buildTaskTree', () => {
  it('puts children right after their parent, indented', () => {
    const rows = buildTaskTree([task('a'), task('b'), task('a1', { parentId: 'a' }), task('a1x', { parentId: 'a1' })]);
    expect(rows.map((r) => `${r.depth}:${r.task.id}`)).toEqual(['0:a', '1:a1', '2:a1x', '0:b']);
  });

  it('shows a task whose parent is unknown at the top level', () => {
    const rows = buildTaskTree([task('x', { parentId: 'gone' })]);
    expect(rows.map((r) => [r.task.id, r.depth])).toEqual([['x', 0]]);
  });

  it('shows every task once even with a parent cycle', () => {
    const rows = buildTaskTree([task('p', { parentId: 'q' }), task('q', { parentId: 'p' })]);
    expect(rows.map((r) => r.task.id).sort()).toEqual(['p', 'q']);
  });
});

describe('progress counts (from @aime/core, as the list and the API count)', () => {
  it('counts each outcome apart, finished in any way as done', () => {
    expect(taskCounts([task('a', { status: 'succeeded' }), task('b', { status: 'skipped' }), task('c', { status: 'failed' })])).toMatchObject({ done: 3, total: 3, succeeded: 1, skipped: 1, failed: 1 });
  });
});

describe('graphShapeKey', () => {
  it('does not change when only statuses change', () => {
    const before = [task('a'), task('b', { dependsOn: ['a'] })];
    const after = [task('a', { status: 'succeeded' }), task('b', { status: 'running', dependsOn: ['a'] })];
    expect(graphShapeKey(after)).toBe(graphShapeKey(before));
  });

  it('changes when a dependency or a task is added', () => {
    const base = [task('a'), task('b')];
    expect(graphShapeKey([task('a'), task('b', { dependsOn: ['a'] })])).not.toBe(graphShapeKey(base));
    expect(graphShapeKey([...base, task('c')])).not.toBe(graphShapeKey(base));
  });
});

describe('layoutTaskGraph', () => {
  it('places a task to the right of what it depends on', () => {
    const { nodes } = layoutTaskGraph([task('book', { dependsOn: ['search'] }), task('search')]);
    const x = Object.fromEntries(nodes.map((n) => [n.id, n.x]));
    expect(x.book).toBeGreaterThan(x.search ?? Infinity);
  });

  it('gives independent tasks distinct positions', () => {
    const { nodes } = layoutTaskGraph([task('a'), task('b'), task('c')]);
    expect(new Set(nodes.map((n) => `${n.x},${n.y}`)).size).toBe(3);
  });

  it('drops edges to tasks not in the graph and marks parent edges', () => {
    const edges = taskEdges([task('a'), task('b', { dependsOn: ['a', 'removed'], parentId: 'a' })]);
    expect(edges.map((e) => `${e.kind}:${e.source}->${e.target}`).sort()).toEqual(['dependency:a->b', 'parent:a->b']);
  });
});
