import { DEFAULT_BUDGET, EMPTY_USAGE } from '@aime/protocol';
import type { Task, TaskStatus } from '@aime/protocol';
import { describe, expect, it } from 'vitest';
import { missionFromRecord, summarize } from '../src/index.ts';
import type { MissionRecord } from '../src/index.ts';

const record: MissionRecord = {
  id: 'm_1',
  goal: 'trip',
  status: 'running',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:05.000Z',
  model: { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true },
  budget: DEFAULT_BUDGET,
  usage: EMPTY_USAGE,
  owner: 'alice',
};

function t(id: string, status: TaskStatus, parentId?: string): Task {
  return { id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: 0, ...(parentId ? { parentId } : {}) };
}

describe('summaries', () => {
  it('counts only leaf tasks, and finished in any way as done', () => {
    const tasks = [t('p', 'running'), t('a', 'succeeded', 'p'), t('b', 'failed', 'p'), t('c', 'skipped', 'p'), t('d', 'cancelled'), t('e', 'running'), t('f', 'blocked')];
    // Each outcome apart, so a list row can show a failed task as failed, not as done.
    expect(summarize(record, { version: 3, tasks }).progress).toEqual({ done: 4, total: 6, succeeded: 1, failed: 1, skipped: 1, cancelled: 1, running: 1 });
    expect(summarize(record, { version: 0, tasks: [] })).toEqual({
      id: 'm_1',
      goal: 'trip',
      status: 'running',
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      model: record.model,
      usage: EMPTY_USAGE,
      progress: { done: 0, total: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, running: 0 },
    });
  });

  it('assembles the API Mission from the record, graph tasks and markdown, without the owner', () => {
    const m = missionFromRecord({ ...record, result: { answer: 'ok', artifacts: [] } }, { version: 1, tasks: [t('a', 'running')] }, '- [ ] a');
    expect(m.tasks.map((x) => x.id)).toEqual(['a']);
    expect(m.progressMarkdown).toBe('- [ ] a');
    expect(m.result).toEqual({ answer: 'ok', artifacts: [] });
    expect('owner' in m).toBe(false);
    expect('error' in m).toBe(false);
  });

  it('gives the list row and the mission page the same progress for the same mission', () => {
    const tasks = [t('p', 'running'), t('a', 'succeeded', 'p'), t('b', 'failed', 'p'), t('c', 'running')];
    const graph = { version: 2, tasks };
    expect(missionFromRecord(record, graph, '').progress).toEqual(summarize(record, graph).progress);
  });

  it('overlays stored progress only when it is newer than the graph’s', () => {
    const older = { status: 'old', message: '', at: '2025-01-01T00:00:01.000Z' };
    const newer = { status: 'new', message: '', at: '2025-01-01T00:00:02.000Z' };
    const tasks = [{ ...t('a', 'running'), progress: newer }, { ...t('b', 'running'), progress: older }, t('c', 'running')];
    const m = missionFromRecord(record, { version: 1, tasks }, '', { a: older, b: newer, c: older });
    expect(m.tasks.map((x) => x.progress?.status)).toEqual(['new', 'new', 'old']);
  });
});
