import { missionView, summarizeMission } from '@aime/core/views';
import { DEFAULT_BUDGET } from '@aime/protocol';
import type { Task, TaskStatus } from '@aime/protocol';
import { describe, expect, it } from 'vitest';
import { missionFromRecord, summarize } from '../src/index.ts';
import { newMissionRecord } from '../src/mission-lifecycle.ts';

/*
 * What the views compute (leaf counts, the Mission shape, the progress overlay) is tested in
 * @aime/core (test/views-*.test.ts). Here: the store hands its record and graph to those views.
 */

const record = {
  ...newMissionRecord({ id: 'm_1', goal: 'trip', model: { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true }, budget: DEFAULT_BUDGET, owner: 'alice' }, new Date('2025-01-01T00:00:00.000Z')),
  result: { answer: 'ok', artifacts: [] },
};
const task = (id: string, status: TaskStatus, parentId?: string): Task => ({ id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: 0, ...(parentId ? { parentId } : {}) });
const graph = { version: 3, tasks: [task('p', 'running'), task('a', 'succeeded', 'p'), task('b', 'failed', 'p'), task('c', 'running', 'p')] };

describe('summaries', () => {
  it("summarizes a record and its graph with @aime/core's summarizeMission, without the owner", () => {
    const s = summarize(record, graph);
    expect(s).toEqual(summarizeMission(record, graph.tasks));
    expect(s.progress).toEqual({ done: 2, total: 3, succeeded: 1, failed: 1, skipped: 0, cancelled: 0, running: 1 });
    expect('owner' in s).toBe(false);
  });

  it("assembles the API Mission with @aime/core's missionView, passing the markdown and stored progress on, without the owner", () => {
    const newer = { status: 'new', message: '', at: '2025-01-01T00:00:02.000Z' };
    const m = missionFromRecord(record, graph, '- [ ] p', { c: newer });
    expect(m).toEqual(missionView(record, graph.tasks, '- [ ] p', { c: newer }));
    expect(m.progressMarkdown).toBe('- [ ] p');
    expect(m.tasks.find((x) => x.id === 'c')?.progress).toEqual(newer);
    expect(m.result).toEqual({ answer: 'ok', artifacts: [] });
    expect('owner' in m).toBe(false);
  });

  it('gives the list row and the mission page the same progress for the same mission', () => {
    expect(missionFromRecord(record, graph, '').progress).toEqual(summarize(record, graph).progress);
  });
});
