import { afterEach, describe, expect, it } from 'vitest';
import type { Approval, Event, Mission, Report } from '@aime/protocol';
import { StoreKeys } from '@aime/store';
import { startReconcileStack, type ReconcileStack } from '../helpers/reconcile-stack.ts';
import { REFERENCE_CONTEXT, REFERENCE_GOAL } from '../helpers/stack.ts';

let stack: ReconcileStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const ENDED: Mission['status'][] = ['succeeded', 'failed', 'cancelled'];
/** A fast reconciler for tests: a fault seen on two passes is repaired. */
const FAST = { intervalMs: 300, graceMs: 0 };
/** The states in which a job of a paused queue waits. */
const WAITING = ['wait', 'waiting', 'paused', 'prioritized', 'delayed'] as const;

const TRIP = 'Plan a 3-day trip Seoul → Tokyo from 2026-12-10 for 1 person';

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = (events: Event[], type: string): number => events.filter((e) => e.type === type).length;

describe('the reconciler repairs missions left with no live work', () => {
  it('re-enqueues a running task whose factory job was lost, and the mission succeeds', { timeout: 120_000 }, async () => {
    stack = await startReconcileStack({ reconciler: FAST });
    const s = stack;
    await s.factoryQueue.pause();
    const id = await s.submit({ goal: TRIP });
    // The first step dispatched its tasks; their factory jobs wait in the paused queue. Then they are lost.
    const jobs = await until('factory jobs', async () => {
      const found = await s.factoryQueue.getJobs([...WAITING]);
      return found.length > 0 && found.length === count(await s.events(id), 'task.dispatched') ? found : null;
    });
    for (const j of jobs) await j.remove();
    await s.factoryQueue.resume();

    const mission = await s.waitForStatus(id, ENDED, 90_000);
    expect(mission.status).toBe('succeeded');
    const repairs = await s.reconciled(id);
    expect(repairs.filter((e) => e.data.data.repair === 'factory_job').map((e) => e.taskId).sort()).toEqual(jobs.map((j) => (j.data as { taskId: string }).taskId).sort());
  });

  it('re-enqueues a running task whose actor job was lost, and the mission succeeds', { timeout: 120_000 }, async () => {
    stack = await startReconcileStack({ reconciler: FAST });
    const s = stack;
    await s.actorQueue.pause();
    const id = await s.submit({ goal: TRIP });
    const jobs = await until('actor jobs', async () => {
      const found = await s.actorQueue.getJobs([...WAITING]);
      const events = await s.events(id);
      return found.length > 0 && found.length === count(events, 'actor.spawned') && found.length === count(events, 'task.dispatched') ? found : null;
    });
    for (const j of jobs) await j.remove();
    await s.actorQueue.resume();

    const mission = await s.waitForStatus(id, ENDED, 90_000);
    expect(mission.status).toBe('succeeded');
    const repairs = await s.reconciled(id);
    expect(repairs.filter((e) => e.data.data.repair === 'actor_job').map((e) => e.actorId).sort()).toEqual(jobs.map((j) => (j.data as { actorId: string }).actorId).sort());
  });

  it('reports a task failed once its actor was lost more often than the repairs allowed, and the planner replans', { timeout: 120_000 }, async () => {
    stack = await startReconcileStack({ reconciler: { ...FAST, maxRepairs: 0 } });
    const s = stack;
    await s.actorQueue.pause();
    const id = await s.submit({ goal: TRIP });
    // A task the planner retries as itself once it failed (a failed train or flight leg is
    // replaced by a new task instead), so its next dispatch can be awaited by id.
    const [job] = await until('an actor job of a task retried as itself', async () => {
      const found = (await s.actorQueue.getJobs([...WAITING])).filter((j) => /^(check-weather|find-hotel|book-hotel)/.test((j.data as { taskId: string }).taskId));
      return found.length ? found : null;
    });
    const { actorId, taskId } = job!.data as { actorId: string; taskId: string };
    await job!.remove();
    await s.actorQueue.resume();

    const reported = await s.waitForEvent(id, (e) => e.type === 'actor.reported' && e.actorId === actorId, 30_000);
    expect((reported.data as { report: Report }).report.status).toBe('failed');
    const again = await s.waitForEvent(id, (e) => e.type === 'task.dispatched' && e.taskId === taskId && e.id > reported.id, 30_000);
    expect((again.data as { attempt: number }).attempt).toBeGreaterThan(1);
    expect((await s.reconciled(id)).filter((e) => e.actorId === actorId).map((e) => e.data.data.repair)).toEqual(['failed_report']);
    expect(ENDED).toContain((await s.waitForStatus(id, ENDED, 90_000)).status);
  });

  it('reports a task failed when its actor job fails for good without running, and the planner replans', { timeout: 120_000 }, async () => {
    stack = await startReconcileStack({ reconciler: { ...FAST, graceMs: 60_000 } });
    const s = stack;
    await s.actorQueue.pause();
    const id = await s.submit({ goal: TRIP });
    const [job] = await until('an actor job', async () => {
      const found = await s.actorQueue.getJobs([...WAITING]);
      return found.length ? found : null;
    });
    const { actorId, taskId } = job!.data as { actorId: string; taskId: string };
    // What BullMQ does to a job that stalled more often than allowed (its worker died while it
    // ran): the next worker to take it fails it for good, without running it.
    await s.redis.hset(`${s.bullPrefix}:${s.actors.queue}:${job!.id}`, 'defa', 'job stalled more than allowable limit');
    await s.actorQueue.resume();

    const reported = await s.waitForEvent(id, (e) => e.type === 'actor.reported' && e.actorId === actorId, 30_000);
    const report = (reported.data as { report: Report }).report;
    expect(report.status).toBe('failed');
    expect(report.summary).toContain('job stalled more than allowable limit');
    // The planner heard it: it planned again after the report and the task ran another attempt.
    const again = await s.waitForEvent(id, (e) => e.type === 'task.dispatched' && e.taskId === taskId && e.id > reported.id, 30_000);
    expect((again.data as { attempt: number }).attempt).toBeGreaterThan(1);
    expect(ENDED).toContain((await s.waitForStatus(id, ENDED, 90_000)).status);
  });

  it('finishes an approval decision whose marker was written but whose record was not', { timeout: 120_000 }, async () => {
    stack = await startReconcileStack({ reconciler: FAST, requireApproval: ['book_train'] });
    const s = stack;
    const id = await s.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const requested = await s.waitForEvent(id, (e) => e.type === 'approval.requested', 60_000);
    const approval = (requested.data as { approval: Approval }).approval;
    // Data of an older version that wrote the decision marker apart from the record, crashed in
    // between: the marker exists, the record is still pending. (Claims are one atomic step now.)
    await s.redis.set(new StoreKeys(s.store.prefix).approvalDecision(id, approval.id), JSON.stringify({ decision: 'approve', by: 'operator' }));

    const resolved = await s.waitForEvent(id, (e) => e.type === 'approval.resolved', 30_000);
    expect((resolved.data as { approval: Approval }).approval.status).toBe('approved');
    expect((await s.store.getApproval(approval.id))?.status).toBe('approved');
    const mission = await s.waitForStatus(id, ENDED, 90_000);
    expect(mission.status).toBe('succeeded');
    const trains = (await s.travel.world().ledger(id)).bookings.filter((b) => b.kind === 'train');
    expect(trains).toHaveLength(1);
    expect((await s.reconciled(id)).map((e) => e.data.data.repair)).toContain('approval_decision');
  });

  it('resumes the actor of an awaiting_approval mission whose decision arrived but never reached the planner', { timeout: 120_000 }, async () => {
    stack = await startReconcileStack({ reconciler: FAST, requireApproval: ['book_train'] });
    const s = stack;
    const id = await s.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const requested = await s.waitForEvent(id, (e) => e.type === 'approval.requested', 60_000);
    const approval = (requested.data as { approval: Approval }).approval;
    await s.waitForStatus(id, ['awaiting_approval'], 10_000);
    // A crash after the decision was written (marker, record and event), before the planner's inbox heard of it.
    expect(await s.store.claimApprovalDecision(approval, { decision: 'approve', by: 'operator' })).not.toBeNull();

    const mission = await s.waitForStatus(id, ENDED, 90_000);
    expect(mission.status).toBe('succeeded');
    const trains = (await s.travel.world().ledger(id)).bookings.filter((b) => b.kind === 'train');
    expect(trains).toHaveLength(1);
    expect((await s.reconciled(id)).map((e) => e.data.data.repair)).toContain('resume');
  });

  it('repairs nothing in healthy missions, an approval waiting for a decision included', { timeout: 120_000 }, async () => {
    stack = await startReconcileStack({ reconciler: FAST, requireApproval: ['book_train'] });
    const s = stack;
    const plain = await s.submit({ goal: TRIP });
    const waiting = await s.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const requested = await s.waitForEvent(waiting, (e) => e.type === 'approval.requested', 60_000);
    await s.waitForStatus(waiting, ['awaiting_approval'], 10_000);
    // Several passes see the mission wait for the operator: that is live work, not a fault.
    const passes = await s.reconcilerPasses(5);
    expect(passes).toEqual([]);
    await s.api(`/v1/approvals/${(requested.data as { approval: Approval }).approval.id}`, { body: { decision: 'approve' } });
    expect((await s.waitForStatus(waiting, ENDED, 90_000)).status).toBe('succeeded');
    expect((await s.waitForStatus(plain, ENDED, 90_000)).status).toBe('succeeded');
    expect(await s.reconciled(plain)).toEqual([]);
    expect(await s.reconciled(waiting)).toEqual([]);
  });
});
