import { randomUUID } from 'node:crypto';
import type { Approval, Task, TaskGraph } from '@aime/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createMissionStore, isStoreError } from '../src/index.ts';
import { MemoryMissionStore, type MemoryPlannerStore } from '../src/memory-store.ts';
import { missionInput, REDIS_URL, sleep, worldEvent } from './helpers.ts';

/*
 * One suite, two stores: the planner's role of the Redis store and of the in-memory store that
 * pure planner tests use must behave alike, or those tests prove nothing about production.
 */

interface Opened {
  store: MemoryPlannerStore;
  close(): Promise<void>;
}

const factories: Array<[string, () => Opened]> = [
  [
    'redis',
    () => {
      const store = createMissionStore({ redis: REDIS_URL, prefix: `test-${randomUUID()}:` });
      return {
        store,
        async close() {
          for (const m of (await store.listMissions({ limit: 100 })).items) await store.deleteMission(m.id);
          await store.close();
        },
      };
    },
  ],
  ['memory', () => ({ store: new MemoryMissionStore(), close: async () => undefined })],
];

const task = (id: string, status: Task['status'] = 'pending'): Task => ({ id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: 0 });
const graphOf = (...tasks: Task[]): TaskGraph => ({ version: 0, tasks });
const approval = (missionId: string, id: string, requestedAt = '2025-01-01T00:00:00.000Z'): Approval => ({
  id,
  missionId,
  taskId: 't1',
  actorId: 't1.1',
  tool: 'book_train',
  args: { trainId: 'N1' },
  status: 'pending',
  requestedAt,
});

describe.each(factories)('the planner store contract (%s)', (_name, open) => {
  let opened: Opened | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  const fresh = (): MemoryPlannerStore => (opened = open()).store;

  async function mission(s: MemoryPlannerStore): Promise<string> {
    return (await s.createMission(missionInput())).mission.id;
  }

  it('creates a mission queued, with mission.created in its events and inbox; refuses a second with the same id', async () => {
    const s = fresh();
    const { mission: m, event } = await s.createMission(missionInput());
    expect(m).toMatchObject({ status: 'queued', goal: missionInput().goal });
    expect(event).toMatchObject({ type: 'mission.created', missionId: m.id });
    expect(await s.getMission(m.id)).toEqual(m);
    expect(await s.readEvents(m.id)).toEqual([event]);
    expect(await s.peekInbox(m.id)).toEqual([{ kind: 'created', eventId: event.id }]);
    await expect(s.createMission(missionInput({ id: m.id }))).rejects.toMatchObject({ code: 'conflict' });
    await expect(s.createMission(missionInput({ goal: ' ' }))).rejects.toMatchObject({ code: 'invalid' });
    expect(await s.getMission('m_unknown')).toBeNull();
  });

  it('changes the status only from the allowed ones, appending mission.status with where it came from', async () => {
    const s = fresh();
    const id = await mission(s);
    expect(await s.setMissionStatus(id, 'running', { from: ['planning'] })).toBeNull();
    const changed = await s.setMissionStatus(id, 'running', { from: ['queued'], reason: 'dispatched' });
    expect(changed?.mission.status).toBe('running');
    expect(changed?.event).toMatchObject({ type: 'mission.status', data: { from: 'queued', to: 'running', reason: 'dispatched' } });
    expect((await s.getMission(id))?.status).toBe('running');
    expect(await s.setMissionStatus('m_unknown', 'running')).toBeNull();
    expect(await s.setMissionStatus(id, 'running', { from: [] })).toBeNull();
  });

  it('adds usage atomically per counter, refusing negative deltas and unknown missions', async () => {
    const s = fresh();
    const id = await mission(s);
    await s.addUsage(id, { promptTokens: 10, plannerSteps: 1 });
    const usage = await s.addUsage(id, { promptTokens: 5, costUsd: 0.5, costUnknown: true });
    expect(usage).toMatchObject({ promptTokens: 15, plannerSteps: 1, costUsd: 0.5, costKnown: false });
    expect((await s.getMission(id))?.usage).toEqual(usage);
    await expect(s.addUsage(id, { actors: -1 })).rejects.toMatchObject({ code: 'invalid' });
    await expect(s.addUsage('m_unknown', { actors: 1 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('writes the graph by compare-and-set on its version, with its events', async () => {
    const s = fresh();
    const id = await mission(s);
    expect(await s.readGraph(id)).toEqual({ version: 0, tasks: [] });
    const first = await s.writeGraph(id, 0, graphOf(task('a')), [{ type: 'task.dispatched', taskId: 'a', data: { attempt: 1 } }]);
    expect(first.version).toBe(1);
    expect(first.events.map((e) => e.type)).toEqual(['task.dispatched']);
    expect((await s.readGraph(id)).tasks.map((t) => t.id)).toEqual(['a']);
    const stale = await s.writeGraph(id, 0, graphOf(task('b'))).catch((e: unknown) => e);
    expect(isStoreError(stale, 'stale_write')).toBe(true);
    expect(stale).toMatchObject({ details: { expected: 0, actual: 1 } });
    await expect(s.writeGraph(id, 1, { version: 1, tasks: [{ id: '' }] } as unknown as TaskGraph)).rejects.toMatchObject({ code: 'invalid' });
    await expect(s.writeGraph(id, 1, graphOf(), [{ type: 'task.dispatched', taskId: 'a', data: { attempt: 'one' } } as never])).rejects.toMatchObject({ code: 'invalid' });
    expect((await s.readGraph(id)).version).toBe(1);
    await expect(s.writeGraph('m_unknown', 0, graphOf())).rejects.toMatchObject({ code: 'not_found' });
  });

  it('reads events in order, after an id and up to a limit', async () => {
    const s = fresh();
    const id = await mission(s);
    const a = await s.appendEvent(id, worldEvent('one'));
    const b = await s.appendEvent(id, worldEvent('two'));
    const c = await s.appendEvent(id, worldEvent('three'));
    expect((await s.readEvents(id, { after: a.id })).map((e) => e.id)).toEqual([b.id, c.id]);
    expect((await s.readEvents(id, { limit: 2 })).map((e) => e.type)).toEqual(['mission.created', 'world.event']);
    await expect(s.readEvents(id, { after: 'nope' })).rejects.toMatchObject({ code: 'invalid' });
    await expect(s.appendEvent('m_unknown', worldEvent('x'))).rejects.toMatchObject({ code: 'not_found' });
    expect(await s.readEvents('m_unknown')).toEqual([]);
  });

  it('keeps the inbox in order: peek leaves it, drain empties it', async () => {
    const s = fresh();
    const id = await mission(s);
    await s.drainInbox(id);
    await s.pushInbox(id, { kind: 'tick', reason: 'one' });
    await s.pushInbox(id, { kind: 'tick', reason: 'two' });
    expect(await s.peekInbox(id)).toEqual([
      { kind: 'tick', reason: 'one' },
      { kind: 'tick', reason: 'two' },
    ]);
    expect(await s.inboxLength(id)).toBe(2);
    expect((await s.drainInbox(id)).map((i) => (i.kind === 'tick' ? i.reason : ''))).toEqual(['one', 'two']);
    expect(await s.inboxLength(id)).toBe(0);
    await expect(s.pushInbox(id, { kind: 'nope' } as never)).rejects.toMatchObject({ code: 'invalid' });
    await expect(s.pushInbox('m_unknown', { kind: 'tick', reason: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('commits a planner step whole: graph, events, the consumed inbox items only, state and intents', async () => {
    const s = fresh();
    const id = await mission(s);
    expect(await s.getPlannerState(id)).toEqual({ news: [], badSteps: 0 });
    const lease = (await s.acquireLock(id, 'planner', 'p1', 10_000))!;
    await s.pushInbox(id, { kind: 'tick', reason: 'late' });
    const out = await s.commitPlannerStep(id, {
      lease,
      expectedVersion: 0,
      graph: graphOf(task('a', 'running')),
      events: [{ type: 'task.dispatched', taskId: 'a', data: { attempt: 1 } }],
      consumedInbox: 1,
      state: { news: [{ kind: 'report' }], badSteps: 1 },
      intents: [{ missionId: id, taskId: 'a', attempt: 1 }],
    });
    expect(out.version).toBe(1);
    expect(out.events.map((e) => e.type)).toEqual(['task.dispatched']);
    expect(await s.peekInbox(id)).toEqual([{ kind: 'tick', reason: 'late' }]);
    expect(await s.getPlannerState(id)).toEqual({ news: [{ kind: 'report' }], badSteps: 1 });
    expect(await s.readIntents(id)).toEqual([{ missionId: id, taskId: 'a', attempt: 1 }]);
    await s.clearIntents(id, 1);
    expect(await s.readIntents(id)).toEqual([]);
    // A step that changed no graph keeps the version.
    const same = await s.commitPlannerStep(id, { lease, expectedVersion: 1, events: [], consumedInbox: 0, state: { news: [], badSteps: 0 }, intents: [] });
    expect(same.version).toBe(1);
  });

  it('refuses a step commit whole when the lock was lost, the graph moved on or the mission ended', async () => {
    const s = fresh();
    const id = await mission(s);
    const commit = (lease: NonNullable<Awaited<ReturnType<typeof s.acquireLock>>>, expectedVersion = 0) =>
      s.commitPlannerStep(id, { lease, expectedVersion, graph: graphOf(task('x')), events: [worldEvent('step')], consumedInbox: 1, state: { news: [], badSteps: 2 }, intents: [{ missionId: id, taskId: 'x', attempt: 1 }] });
    const old = (await s.acquireLock(id, 'planner', 'p1', 10_000))!;
    await s.releaseLock(old);
    const current = (await s.acquireLock(id, 'planner', 'p1', 10_000))!;
    await expect(commit(old)).rejects.toMatchObject({ code: 'lock_lost' });
    await s.writeGraph(id, 0, graphOf(task('y')));
    await expect(commit(current, 0)).rejects.toMatchObject({ code: 'stale_write', details: { expected: 0, actual: 1 } });
    await s.setMissionStatus(id, 'cancelled');
    await expect(commit(current, 1)).rejects.toMatchObject({ code: 'conflict' });
    await expect(s.commitPlannerStep('m_unknown', { lease: current, expectedVersion: 0, events: [], consumedInbox: 0, state: { news: [], badSteps: 0 }, intents: [] })).rejects.toMatchObject({ code: 'not_found' });
    // Nothing of the refused steps was written.
    expect((await s.readGraph(id)).tasks.map((t) => t.id)).toEqual(['y']);
    expect(await s.inboxLength(id)).toBe(1);
    expect(await s.getPlannerState(id)).toEqual({ news: [], badSteps: 0 });
    expect(await s.readIntents(id)).toEqual([]);
    expect((await s.readEvents(id)).filter((e) => e.type === 'world.event')).toEqual([]);
  });

  it('fences locks: one holder at a time, tokens that grow, renew and release only by the current lease', async () => {
    const s = fresh();
    const id = await mission(s);
    const a = (await s.acquireLock(id, 'planner', 'a', 40))!;
    expect(a).toMatchObject({ missionId: id, name: 'planner', holder: 'a' });
    expect(await s.acquireLock(id, 'planner', 'b', 10_000)).toBeNull();
    expect(await s.acquireLock(id, 'other', 'b', 10_000)).not.toBeNull();
    await sleep(100);
    const b = (await s.acquireLock(id, 'planner', 'b', 10_000))!;
    expect(b.token).toBeGreaterThan(a.token);
    expect(await s.renewLock(a, 10_000)).toBeNull();
    expect(await s.releaseLock(a)).toBe(false);
    expect(await s.renewLock(b, 10_000)).toMatchObject({ token: b.token });
    expect(await s.releaseLock(b)).toBe(true);
    expect(await s.releaseLock(b)).toBe(false);
    await expect(s.acquireLock(id, 'planner', 'c', 0)).rejects.toMatchObject({ code: 'invalid' });
  });

  it('keeps the stall history and announces a mission finished only once', async () => {
    const s = fresh();
    const id = await mission(s);
    expect(await s.getStallHistory(id)).toEqual([]);
    const history = [{ step: 1, graphVersion: 1, statusFingerprint: 'a:running' }];
    await s.putStallHistory(id, history);
    expect(await s.getStallHistory(id)).toEqual(history);
    await expect(s.putStallHistory(id, [{ step: 'one' } as never])).rejects.toMatchObject({ code: 'invalid' });
    const first = await s.announceMissionFinished(id, { status: 'succeeded', answer: 'done', artifacts: [] });
    expect(first).toMatchObject({ type: 'mission.finished', data: { status: 'succeeded', answer: 'done' } });
    expect(await s.announceMissionFinished(id, { status: 'failed', artifacts: [] })).toBeNull();
    expect((await s.readEvents(id)).filter((e) => e.type === 'mission.finished')).toEqual([first]);
    await expect(s.announceMissionFinished('m_unknown', { status: 'failed', artifacts: [] })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lists approvals oldest first and decides each once, the marker, record and event together', async () => {
    const s = fresh();
    const id = await mission(s);
    await s.putApproval(approval(id, 'ap2', '2025-01-01T00:00:02.000Z'));
    await s.putApproval(approval(id, 'ap1', '2025-01-01T00:00:01.000Z'));
    expect((await s.listApprovals(id)).map((a) => a.id)).toEqual(['ap1', 'ap2']);
    expect((await s.getApproval('ap2'))?.missionId).toBe(id);
    expect(await s.getApproval('ap404')).toBeNull();
    await expect(s.putApproval({ ...approval(id, 'ap3'), status: 'maybe' } as never)).rejects.toMatchObject({ code: 'invalid' });

    const claims = await Promise.all([
      s.claimApprovalDecision({ id: 'ap1', missionId: id }, { decision: 'reject', by: 'op1', note: 'too dear' }),
      s.claimApprovalDecision({ id: 'ap1', missionId: id }, { decision: 'approve', by: 'op2' }),
    ]);
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    const { approval: decided, event } = won[0]!;
    expect(event).toMatchObject({ type: 'approval.resolved', taskId: 't1', actorId: 't1.1', data: { approval: decided } });
    // Who decided is on the record: the winner's `by`.
    expect(decided).toMatchObject(decided.status === 'rejected' ? { decidedBy: 'op1', note: 'too dear' } : { decidedBy: 'op2' });
    expect(await s.getApproval('ap1')).toEqual(decided);
    expect(await s.getApprovalDecision(id, 'ap1')).toMatchObject({ decision: decided.status === 'approved' ? 'approve' : 'reject', resolvedAt: decided.resolvedAt });
    expect(await s.getApprovalDecision(id, 'ap2')).toBeNull();
    expect(await s.claimApprovalDecision({ id: 'ap1', missionId: id }, { decision: 'approve', by: 'op3' })).toBeNull();
    await expect(s.claimApprovalDecision({ id: 'ap404', missionId: id }, { decision: 'approve', by: 'op' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.claimApprovalDecision({ id: 'ap2', missionId: id }, { decision: 'perhaps', by: 'op' } as never)).rejects.toMatchObject({ code: 'invalid' });
    expect((await s.readEvents(id)).filter((e) => e.type === 'approval.resolved')).toHaveLength(1);
  });
});
