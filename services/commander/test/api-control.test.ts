import { afterEach, describe, expect, it } from 'vitest';
import type { Approval, Mission } from '@aime/protocol';
import { createMission, KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

interface ErrorBody {
  error: { code: string; message: string };
}

const post = (path: string, key: string, json?: unknown) => h.call(path, { method: 'POST', key, ...(json === undefined ? {} : { json }) });

describe('pause, resume, cancel', () => {
  it('keeps the reason an operator gives for a cancel in the mission.status event, and still takes a bodiless cancel', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    const res = await post(`/v1/missions/${id}/cancel`, KEYS.alice, { reason: 'the client called the trip off' });
    expect(res.status).toBe(202);
    const statuses = (await h.store.readEvents(id)).filter((e) => e.type === 'mission.status').map((e) => e.data);
    expect(statuses).toMatchObject([{ to: 'cancelled', reason: 'cancelled by caller: the client called the trip off' }]);
    const other = await createMission(h, KEYS.alice);
    expect((await post(`/v1/missions/${other}/pause`, KEYS.alice)).status).toBe(202);
    expect((await post(`/v1/missions/${other}/cancel`, KEYS.alice, { reason: 42 })).status).toBe(400);
  });

  it('pauses an active mission, resumes it with an inbox item and a wake', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    await h.store.drainInbox(id);
    h.wakes.length = 0;

    const paused = await post(`/v1/missions/${id}/pause`, KEYS.alice);
    expect(paused.status).toBe(202);
    expect(((await paused.json()) as Mission).status).toBe('paused');
    expect(h.wakes).toEqual([]);

    const resumed = await post(`/v1/missions/${id}/resume`, KEYS.alice);
    expect(resumed.status).toBe(202);
    const mission = (await resumed.json()) as Mission;
    expect(mission.status).toBe('running');
    expect(mission.id).toBe(id);
    expect(h.wakes).toEqual([{ missionId: id, reason: 'resume' }]);
    const inbox = await h.store.drainInbox(id);
    expect(inbox).toMatchObject([{ kind: 'operator', action: 'resume' }]);

    const statuses = (await h.store.readEvents(id)).filter((e) => e.type === 'mission.status').map((e) => e.data);
    expect(statuses).toMatchObject([
      { from: 'queued', to: 'paused', reason: 'paused by caller' },
      { from: 'paused', to: 'running', reason: 'resumed by caller' },
    ]);
  });

  it('answers 409 naming the current status for illegal changes', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    const resume = await post(`/v1/missions/${id}/resume`, KEYS.operator);
    expect(resume.status).toBe(409);
    const body = (await resume.json()) as ErrorBody;
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toContain('queued');

    expect((await post(`/v1/missions/${id}/pause`, KEYS.operator)).status).toBe(202);
    expect((await post(`/v1/missions/${id}/pause`, KEYS.operator)).status).toBe(409);
  });

  it('cancels a paused mission, tells the planner, and refuses later changes and events', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    await post(`/v1/missions/${id}/pause`, KEYS.operator);
    await h.store.drainInbox(id);
    h.wakes.length = 0;

    const cancelled = await post(`/v1/missions/${id}/cancel`, KEYS.operator);
    expect(cancelled.status).toBe(202);
    expect(((await cancelled.json()) as Mission).status).toBe('cancelled');
    expect(h.wakes).toEqual([{ missionId: id, reason: 'cancel' }]);
    expect(await h.store.drainInbox(id)).toMatchObject([{ kind: 'operator', action: 'cancel' }]);
    const last = (await h.store.readEvents(id)).at(-1);
    expect(last).toMatchObject({ type: 'mission.status', data: { to: 'cancelled', reason: 'cancelled by operator' } });

    for (const action of ['pause', 'resume', 'cancel']) {
      const res = await post(`/v1/missions/${id}/${action}`, KEYS.operator);
      expect(res.status, action).toBe(409);
      expect(((await res.json()) as ErrorBody).error.message).toContain('cancelled');
    }
    const inject = await post(`/v1/missions/${id}/events`, KEYS.operator, { type: 'external', message: 'too late' });
    expect(inject.status).toBe(409);
  });

  it('accepts a POST with an empty JSON body', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    const res = await h.call(`/v1/missions/${id}/pause`, { method: 'POST', key: KEYS.operator, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(202);
  });
});

describe('external events', () => {
  it('appends a world.event, queues it for the planner and wakes it', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    await h.store.drainInbox(id);
    h.wakes.length = 0;
    const res = await post(`/v1/missions/${id}/events`, KEYS.alice, { type: 'external', message: 'the 09:00 Nozomi is sold out', data: { train: 'Nozomi 1' } });
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: string };
    const event = (await h.store.readEvents(id)).find((e) => e.id === eventId);
    expect(event).toMatchObject({ type: 'world.event', data: { source: 'api', message: 'the 09:00 Nozomi is sold out', data: { train: 'Nozomi 1' } } });
    expect(await h.store.drainInbox(id)).toEqual([{ kind: 'external', eventId, message: 'the 09:00 Nozomi is sold out', data: { train: 'Nozomi 1' } }]);
    expect(h.wakes).toEqual([{ missionId: id, reason: 'external' }]);
  });

  it('rejects an event of another type or without a message', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    expect((await post(`/v1/missions/${id}/events`, KEYS.alice, { type: 'internal', message: 'x' })).status).toBe(400);
    const empty = await post(`/v1/missions/${id}/events`, KEYS.alice, { type: 'external', message: '' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { details: Array<{ path: string }> } }).error.details[0]?.path).toBe('message');
  });
});

describe('approvals', () => {
  async function pendingApproval(missionId: string, id = 'ap-1'): Promise<Approval> {
    const approval: Approval = { id, missionId, taskId: 't1', actorId: 'a1', tool: 'book_train', args: { train: 'N1' }, status: 'pending', requestedAt: new Date().toISOString() };
    await h.store.putApproval(approval);
    return approval;
  }

  it('lists approvals and resolves a pending one once: event, inbox, wake', async () => {
    h = await startApi({ callersMayApprove: true });
    const id = await createMission(h, KEYS.alice);
    await pendingApproval(id);
    await h.store.drainInbox(id);
    h.wakes.length = 0;

    const list = (await (await h.call(`/v1/missions/${id}/approvals`, { key: KEYS.alice })).json()) as { items: Approval[] };
    expect(list.items.map((a) => [a.id, a.status])).toEqual([['ap-1', 'pending']]);

    const res = await post('/v1/approvals/ap-1', KEYS.alice, { decision: 'approve', note: 'fine' });
    expect(res.status).toBe(200);
    const resolved = (await res.json()) as Approval;
    expect(resolved).toMatchObject({ id: 'ap-1', status: 'approved', note: 'fine' });
    expect(resolved.resolvedAt).toBeTypeOf('string');
    expect((await h.store.getApproval('ap-1'))?.status).toBe('approved');
    expect((await h.store.readEvents(id)).at(-1)).toMatchObject({ type: 'approval.resolved', taskId: 't1', actorId: 'a1', data: { approval: { status: 'approved' } } });
    expect(await h.store.drainInbox(id)).toEqual([{ kind: 'approval', eventId: expect.any(String), approvalId: 'ap-1', taskId: 't1', actorId: 'a1', decision: 'approve' }]);
    expect(h.wakes).toEqual([{ missionId: id, reason: 'approval' }]);

    const again = await post('/v1/approvals/ap-1', KEYS.alice, { decision: 'reject' });
    expect(again.status).toBe(409);
    expect((await h.store.getApproval('ap-1'))?.status).toBe('approved');
  });

  it('hides another caller\'s approvals and rejects a bad decision', async () => {
    h = await startApi({ callersMayApprove: true });
    const id = await createMission(h, KEYS.bob);
    await pendingApproval(id, 'ap-bob');
    expect((await post('/v1/approvals/ap-bob', KEYS.alice, { decision: 'approve' })).status).toBe(404);
    expect((await post('/v1/approvals/nope', KEYS.alice, { decision: 'approve' })).status).toBe(404);
    expect((await post('/v1/approvals/ap-bob', KEYS.bob, { decision: 'maybe' })).status).toBe(400);
    const op = await post('/v1/approvals/ap-bob', KEYS.operator, { decision: 'reject' });
    expect(op.status).toBe(200);
    expect(((await op.json()) as Approval).status).toBe('rejected');
  });

  it('refuses a decision once the mission has ended, leaving the approval pending and the inbox empty', async () => {
    h = await startApi({ callersMayApprove: true });
    const id = await createMission(h, KEYS.alice);
    await pendingApproval(id, 'ap-late');
    expect((await post(`/v1/missions/${id}/cancel`, KEYS.alice)).status).toBe(202);
    await h.store.drainInbox(id);

    const res = await post('/v1/approvals/ap-late', KEYS.alice, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('conflict');
    expect((await h.store.getApproval('ap-late'))?.status).toBe('pending');
    expect(await h.store.drainInbox(id)).toEqual([]);
  });

  it('lets only operators decide by default: a caller cannot approve the risky call of its own mission', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    await pendingApproval(id, 'ap-own');
    await h.store.drainInbox(id);
    const res = await post('/v1/approvals/ap-own', KEYS.alice, { decision: 'approve' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/operator/) });
    expect((await h.store.getApproval('ap-own'))?.status).toBe('pending');
    expect(await h.store.drainInbox(id)).toEqual([]);
    // The caller still sees its approvals; the operator decides.
    expect((await h.call(`/v1/missions/${id}/approvals`, { key: KEYS.alice })).status).toBe(200);
    expect((await post('/v1/approvals/ap-own', KEYS.operator, { decision: 'approve' })).status).toBe(200);
  });
});
