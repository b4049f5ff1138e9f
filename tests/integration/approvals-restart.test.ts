import { afterEach, describe, expect, it } from 'vitest';
import type { Mission } from '@aime/protocol';
import { startApprovalStack, type ApprovalStack } from '../helpers/approval-stack.ts';
import { ranOk, toolSteps } from '../helpers/approval-checks.ts';
import { REFERENCE_CONTEXT, REFERENCE_GOAL } from '../helpers/stack.ts';

let stack: ApprovalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const ENDED: Mission['status'][] = ['succeeded', 'failed', 'cancelled'];

/**
 * Waits until the only unfinished leaves are the waiting booking and what depends on it, so
 * that no dispatch falls into the time without a worker (that would test capability waits).
 */
async function onlyTheApprovalWaits(s: ApprovalStack, missionId: string, taskId: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const m = (await s.api<Mission>(`/v1/missions/${missionId}`)).body;
    const leaves = m.tasks.filter((t) => !m.tasks.some((c) => c.parentId === t.id));
    const open = leaves.filter((t) => !['succeeded', 'skipped'].includes(t.status) && t.id !== taskId && !t.dependsOn.includes(taskId));
    if (open.length === 0) return;
    if (Date.now() > until) throw new Error(`tasks still open: ${open.map((t) => `${t.id}=${t.status}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('approvals across actor worker restarts, without holding a worker slot', () => {
  for (const decision of ['approve', 'reject'] as const) {
    it(`completes the ${decision} path when the actor worker was restarted while the call waited`, { timeout: 120_000 }, async () => {
      stack = await startApprovalStack({ requireApproval: ['book_train'] });
      const s = stack;
      const id = await s.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
      const approval = await s.waitForApprovalRequest(id);
      await s.waitForStatus(id, ['awaiting_approval'], 10_000);
      await onlyTheApprovalWaits(s, id, approval.taskId);

      // The worker goes away (its other actors drain); the decision comes while none runs.
      await s.stopActors();
      await s.decide(approval.id, decision, decision === 'reject' ? 'not this train' : undefined);
      await s.waitForStatus(id, ['running'], 10_000);
      expect(toolSteps(await s.events(id), 'book_train')).toHaveLength(0);
      await s.startActors();

      const mission = await s.waitForStatus(id, ENDED, 90_000);
      const events = await s.events(id);
      const trains = (await s.travel().world().ledger(id)).bookings.filter((b) => b.kind === 'train');
      if (decision === 'approve') {
        expect(mission.status).toBe('succeeded');
        expect(ranOk(events, 'book_train')).toHaveLength(1);
        expect(trains.map((b) => b.itemId)).toEqual([(approval.args as { trainId: string }).trainId]);
      } else {
        expect(mission.status).toBe('failed');
        expect(ranOk(events, 'book_train')).toHaveLength(0);
        expect(toolSteps(events, 'book_train').map((e) => e.data.observation)).toEqual(['Rejected by operator: not this train']);
        expect(trains).toHaveLength(0);
      }
    });
  }

  it('lets another mission\'s actors run to completion on a single slot while an actor waits for approval', async () => {
    stack = await startApprovalStack({ requireApproval: ['book_train'], actorConcurrency: 1 });
    const s = stack;
    const waiting = await s.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const approval = await s.waitForApprovalRequest(waiting);
    await s.waitForStatus(waiting, ['awaiting_approval'], 10_000);

    // A trip with no train to book, so it never asks for an approval itself.
    const other = await s.submit({ goal: 'Plan a 3-day trip Seoul → Tokyo from 2026-12-10 for 1 person' });
    const done = await s.waitForStatus(other, ENDED, 60_000);
    expect(done.status).toBe('succeeded');
    // The first mission still waits: its actor gave its slot back instead of holding it.
    expect((await s.api<Mission>(`/v1/missions/${waiting}`)).body.status).toBe('awaiting_approval');

    await s.decide(approval.id, 'approve');
    expect((await s.waitForStatus(waiting, ENDED, 90_000)).status).toBe('succeeded');
  });
});
