import { describe, expect, it } from 'vitest';
import type { Task, TaskStatus } from '@aime/protocol';
import { describeCounts, missionElapsedMs, summarizeMission, taskCounts, taskState, withTaskStates } from '../src/views/index.ts';

function t(id: string, status: TaskStatus, parentId?: string): Task {
  return { id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: 0, ...(parentId ? { parentId } : {}) };
}

describe('taskCounts', () => {
  it('counts leaves only, each outcome apart, so a failed mission is not "all done"', () => {
    const tasks = [t('p', 'failed'), t('a', 'succeeded', 'p'), t('b', 'failed', 'p'), t('c', 'cancelled'), t('d', 'cancelled'), t('e', 'skipped'), t('f', 'running'), t('g', 'pending')];
    expect(taskCounts(tasks)).toEqual({ done: 5, total: 7, succeeded: 1, failed: 1, cancelled: 2, skipped: 1, running: 1 });
    expect(describeCounts(taskCounts(tasks))).toBe('1/7 succeeded · 1 failed · 2 cancelled · 1 skipped · 1 running');
  });

  it('gives the summary the same counts as the page', () => {
    const rec = { id: 'm', goal: 'g', status: 'failed' as const, createdAt: 'a', updatedAt: 'b', model: { planner: 's', factory: 's', actor: 's', simulated: true }, usage: { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, reasoningTokens: 0, costUsd: 0, costKnown: true, plannerSteps: 0, actors: 0 }, error: { code: 'x', message: 'why' } };
    const tasks = [t('a', 'succeeded'), t('b', 'failed')];
    const s = summarizeMission(rec, tasks);
    expect(s.progress).toEqual(taskCounts(tasks));
    expect(s.error).toEqual({ code: 'x', message: 'why' });
  });
});

describe('taskState', () => {
  it('shows awaiting_approval, paused and recovering in place of running', () => {
    const waiting = new Set(['a']);
    expect(taskState(t('a', 'running'), { missionStatus: 'awaiting_approval', awaitingApproval: waiting })).toBe('awaiting_approval');
    expect(taskState(t('b', 'running'), { missionStatus: 'paused', awaitingApproval: waiting })).toBe('paused');
    expect(taskState(t('b', 'ready'), { missionStatus: 'paused', awaitingApproval: waiting })).toBe('paused');
    expect(taskState(t('c', 'succeeded'), { missionStatus: 'paused', awaitingApproval: waiting })).toBe('succeeded');
    expect(taskState({ ...t('d', 'running'), recovering: { since: 'x' } }, { missionStatus: 'running', awaitingApproval: waiting })).toBe('recovering');
    expect(taskState(t('e', 'running'), { missionStatus: 'running', awaitingApproval: waiting })).toBe('running');
  });

  it('marks the parents of a waiting task as waiting too', () => {
    const tasks = [t('p', 'running'), t('a', 'running', 'p'), t('b', 'running', 'p')];
    const out = withTaskStates(tasks, 'awaiting_approval', [{ taskId: 'a', status: 'pending' }, { taskId: 'b', status: 'rejected' }]);
    expect(out.map((x) => x.state)).toEqual(['awaiting_approval', 'awaiting_approval', 'running']);
  });
});

describe('missionElapsedMs', () => {
  const base = { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:10.000Z' };
  it('stops the clock while paused and when finished', () => {
    const now = Date.parse('2026-01-01T00:01:00.000Z');
    expect(missionElapsedMs({ ...base, status: 'paused' }, now)).toBe(10_000);
    expect(missionElapsedMs({ ...base, status: 'failed' }, now)).toBe(10_000);
    expect(missionElapsedMs({ ...base, status: 'running' }, now)).toBe(60_000);
  });
  it('leaves out the time spent paused once resumed', () => {
    const now = Date.parse('2026-01-01T00:01:00.000Z');
    const changes = [
      { ts: '2026-01-01T00:00:10.000Z', to: 'paused' as const },
      { ts: '2026-01-01T00:00:40.000Z', to: 'running' as const },
    ];
    expect(missionElapsedMs({ ...base, updatedAt: '2026-01-01T00:00:40.000Z', status: 'running' }, now, changes)).toBe(30_000);
  });
});
