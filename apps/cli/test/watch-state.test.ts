import { describe, expect, it } from 'vitest';
import type { Event } from '@aime/protocol';
import { renderFrame, progressBar } from '../src/watch-render.ts';
import { applyEvent, initialWatchState, progressOf } from '../src/watch-state.ts';
import { exitCodeFor } from '../src/watch.ts';

let seq = 0;
const ev = (type: string, data: unknown, over: Partial<Event> = {}): Event => ({ id: `1700000000000-${seq++}`, missionId: 'm1', ts: '2026-12-01T00:00:00.000Z', v: 1, type, data, ...over }) as Event;
const add = (id: string, title: string, parentId?: string) => ({ op: 'add', task: { id, title, description: '', completionCriteria: '', dependsOn: [], ...(parentId ? { parentId } : {}) } });
const plan = (step: number, operations: unknown[], added: string[] = [], removed: string[] = [], thought = '') =>
  ev('plan.updated', { version: step, step, thought, operations, added, changed: [], removed });

describe('the watch view folded from events', () => {
  it('ticks tasks from dispatch to report and counts leaf tasks only', () => {
    const s = initialWatchState('m1');
    applyEvent(s, ev('mission.created', { goal: 'a trip', budget: { maxTokens: 1, maxCostUsd: 1, maxWallMs: 1, maxPlannerSteps: 1, maxParallelActors: 1 }, model: { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true } }));
    applyEvent(s, plan(1, [add('g', 'Group'), add('a', 'Search', 'g'), add('b', 'Book', 'g')], ['g', 'a', 'b']));
    expect(progressOf(s)).toEqual({ done: 0, total: 2 });
    applyEvent(s, ev('task.dispatched', { attempt: 1 }, { taskId: 'a' }));
    applyEvent(s, ev('actor.progress', { status: 'searching', message: 'looking for trains' }, { taskId: 'a' }));
    expect(s.tasks.get('a')).toMatchObject({ status: 'running', progress: 'looking for trains' });
    applyEvent(s, ev('actor.reported', { report: { status: 'succeeded', summary: 'found', artifacts: [], references: [] } }, { taskId: 'a' }));
    expect(progressOf(s)).toEqual({ done: 1, total: 2 });
    expect(s.replans).toBe(0);
    expect(renderFrame(s, { columns: 100, color: false, tick: 0 })).toContain('1/2 tasks 50%');
  });

  it('shows a replan, a failed task, an approval waiting and the outcome', () => {
    const s = initialWatchState('m1');
    applyEvent(s, plan(1, [add('a', 'Book the train')], ['a']));
    applyEvent(s, ev('task.updated', { status: 'failed', reason: 'sold out' }, { taskId: 'a' }));
    applyEvent(s, plan(2, [{ op: 'skip', id: 'a', reason: 'sold out' }, add('b', 'Book another train')], ['b'], [], 'the train sold out'));
    expect(s.replans).toBe(1);
    expect(s.notes.map((n) => n.kind)).toEqual(['failure', 'replan']);
    const approval = { id: 'ap1', missionId: 'm1', taskId: 'b', actorId: 'b.1', tool: 'book_train', args: {}, status: 'pending', requestedAt: 'x' };
    applyEvent(s, ev('approval.requested', { approval }));
    const frame = renderFrame(s, { columns: 120, color: false, tick: 0 });
    expect(frame).toContain('↻ 1 replan');
    expect(frame).toContain('waiting for approval of book_train: aime approve ap1');
    applyEvent(s, ev('approval.resolved', { approval: { ...approval, status: 'approved' } }));
    expect(s.pendingApprovals.size).toBe(0);
    expect(exitCodeFor(s)).toBe(3);
    applyEvent(s, ev('mission.finished', { status: 'cancelled', artifacts: [] }));
    expect(exitCodeFor(s)).toBe(2);
    expect(renderFrame(s, { columns: 120, color: false, tick: 0 })).toContain('⊘ mission cancelled');
  });

  it('draws a bar proportional to the tasks done', () => {
    expect(progressBar(0, 0, 10)).toBe('░░░░░░░░░░ 0/0 tasks 0%');
    expect(progressBar(3, 4, 8)).toBe('██████░░ 3/4 tasks 75%');
  });
});
