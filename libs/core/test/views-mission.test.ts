import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET, EMPTY_USAGE } from '@aime/protocol';
import type { Task, TaskStatus } from '@aime/protocol';
import { missionView, summarizeMission, withLatestProgress } from '../src/views/index.ts';
import type { MissionSource } from '../src/views/index.ts';

const record: MissionSource & { owner: string } = {
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

describe('missionView', () => {
  it('assembles the API Mission from the record, tasks and markdown, without the owner', () => {
    const m = missionView({ ...record, result: { answer: 'ok', artifacts: [] } }, [t('a', 'running')], '- [ ] a');
    expect(m.tasks.map((x) => x.id)).toEqual(['a']);
    expect(m.progressMarkdown).toBe('- [ ] a');
    expect(m.result).toEqual({ answer: 'ok', artifacts: [] });
    expect(m.costKnown).toBe(EMPTY_USAGE.costKnown);
    expect('owner' in m).toBe(false);
    expect('error' in m).toBe(false);
  });

  it('counts progress as the list summary does, parents left out', () => {
    const tasks = [t('p', 'running'), t('a', 'succeeded', 'p'), t('b', 'failed', 'p'), t('c', 'skipped', 'p'), t('d', 'cancelled'), t('e', 'running')];
    const page = missionView(record, tasks, '').progress;
    expect(page).toEqual({ done: 4, total: 5, succeeded: 1, failed: 1, skipped: 1, cancelled: 1, running: 1 });
    expect(summarizeMission(record, tasks).progress).toEqual(page);
  });

  it('counts a blocked leaf in the total, not as done', () => {
    const tasks = [t('p', 'running'), t('a', 'succeeded', 'p'), t('b', 'failed', 'p'), t('c', 'skipped', 'p'), t('d', 'cancelled'), t('e', 'running'), t('f', 'blocked')];
    expect(summarizeMission(record, tasks).progress).toEqual({ done: 4, total: 6, succeeded: 1, failed: 1, skipped: 1, cancelled: 1, running: 1 });
  });

  it('gives the list summary only its own fields, with zero counts for no tasks', () => {
    expect(summarizeMission(record, [])).toEqual({
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

  it('overlays stored progress only when it is newer than the graph’s', () => {
    const older = { status: 'old', message: '', at: '2025-01-01T00:00:01.000Z' };
    const newer = { status: 'new', message: '', at: '2025-01-01T00:00:02.000Z' };
    const tasks = [{ ...t('a', 'running'), progress: newer }, { ...t('b', 'running'), progress: older }, t('c', 'running')];
    expect(withLatestProgress(tasks, { a: older, b: newer, c: older }).map((x) => x.progress?.status)).toEqual(['new', 'new', 'old']);
    expect(missionView(record, tasks, '', { b: newer }).tasks.map((x) => x.progress?.status)).toEqual(['new', 'new', undefined]);
    expect(withLatestProgress(tasks)).toEqual(tasks);
  });
});
