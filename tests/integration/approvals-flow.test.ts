import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import type { Approval, Event, Mission } from '@aime/protocol';
import { ofType, ranOk, toolSteps } from '../helpers/approval-checks.ts';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

// The all-in-one stack whose travel plugin asks an operator before every train booking.
let stack: TestStack;
let travel: TravelPlugin;
beforeAll(async () => {
  travel = createTravelPlugin({ requireApproval: ['book_train'] });
  stack = await startStack({ plugins: [travel] });
});
afterAll(async () => {
  await stack?.close();
});

const ENDED: Mission['status'][] = ['succeeded', 'failed', 'cancelled'];

async function requested(missionId: string): Promise<Approval> {
  const e = await stack.waitForEvent(missionId, (x: Event) => x.type === 'approval.requested', 60_000);
  return (e.data as { approval: Approval }).approval;
}

async function decide(approvalId: string, decision: 'approve' | 'reject', note?: string): Promise<{ status: number; body: Approval }> {
  return stack.api<Approval>(`/v1/approvals/${approvalId}`, { body: { decision, ...(note ? { note } : {}) } });
}

const trainBookings = async (missionId: string) => (await travel.world().ledger(missionId)).bookings.filter((b) => b.kind === 'train');

describe('approvals: a booking tool that needs an operator', () => {
  it('waits visibly for the decision, then books exactly once when approved and the mission succeeds', async () => {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const approval = await requested(id);
    expect(approval).toMatchObject({ missionId: id, taskId: 'book-train-tokyo-kyoto', tool: 'book_train', status: 'pending' });
    expect((approval.args as { trainId?: string }).trainId).toMatch(/^(NOZOMI|HIKARI)-/);

    await stack.waitForStatus(id, ['awaiting_approval'], 10_000);
    const listed = await stack.api<{ items: Approval[] }>(`/v1/missions/${id}/approvals`);
    expect(listed.body.items.map((a) => [a.id, a.status])).toEqual([[approval.id, 'pending']]);
    // Nothing ran while it waited.
    expect(toolSteps(await stack.events(id), 'book_train')).toHaveLength(0);
    expect(await trainBookings(id)).toHaveLength(0);

    const res = await decide(approval.id, 'approve', 'fine by me');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('approved');

    const mission = await stack.waitForStatus(id, ENDED, 90_000);
    expect(mission.error).toBeUndefined();
    expect(mission.status).toBe('succeeded');
    const events = await stack.events(id);
    expect(ranOk(events, 'book_train')).toHaveLength(1);
    const booked = await trainBookings(id);
    expect(booked).toHaveLength(1);
    expect(booked[0]!.itemId).toBe((approval.args as { trainId: string }).trainId);
    // Back to running after the decision, before the end.
    const statuses = ofType(events, 'mission.status').map((e) => ('generic' in e ? '' : e.data.to));
    expect(statuses.slice(statuses.indexOf('awaiting_approval'))).toContain('running');
    expect(ofType(events, 'approval.resolved')).toHaveLength(1);
  });

  it('never runs a rejected call: the actor reads the rejection, reports it, and the mission ends', async () => {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const approval = await requested(id);
    expect((await decide(approval.id, 'reject', 'too expensive')).status).toBe(200);

    const mission = await stack.waitForStatus(id, ENDED, 90_000);
    expect(mission.status).toBe('failed');
    const events = await stack.events(id);
    expect(ranOk(events, 'book_train')).toHaveLength(0);
    expect(await trainBookings(id)).toHaveLength(0);
    // The actor got the rejection as the observation of its call, and said so in its report.
    expect(toolSteps(events, 'book_train').map((e) => e.data.observation)).toEqual(['Rejected by operator: too expensive']);
    const report = ofType(events, 'actor.reported').find((e) => e.taskId === 'book-train-tokyo-kyoto');
    expect(report && !('generic' in report) ? report.data.report : undefined).toMatchObject({ status: 'blocked', summary: expect.stringMatching(/rejected by the operator: too expensive/) });
    expect(mission.tasks.find((t) => t.id === 'book-train-tokyo-kyoto')?.status).toBe('skipped');
  });

  it('lets a mission waiting for approval be cancelled; the pending approval then has no effect', async () => {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const approval = await requested(id);
    await stack.waitForStatus(id, ['awaiting_approval'], 10_000);
    expect((await stack.api(`/v1/missions/${id}/cancel`, { method: 'POST' })).status).toBe(202);
    await stack.waitForEvent(id, (e) => e.type === 'mission.finished', 30_000);

    const late = await decide(approval.id, 'approve');
    expect(late.status).toBe(409);
    const after = (await stack.api<{ items: Approval[] }>(`/v1/missions/${id}/approvals`)).body.items;
    expect(after).toMatchObject([{ id: approval.id, status: 'rejected', note: 'the mission was cancelled before a decision' }]);
    expect((await stack.api<Mission>(`/v1/missions/${id}`)).body.status).toBe('cancelled');
    expect(toolSteps(await stack.events(id), 'book_train')).toHaveLength(0);
    expect(await trainBookings(id)).toHaveLength(0);
  });
});
