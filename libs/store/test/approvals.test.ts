import type { Approval, Event } from '@aime/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreKeys } from '../src/index.ts';
import { fixture, missionInput } from './helpers.ts';
import type { Fixture } from './helpers.ts';

function pending(missionId: string, id = 'ap1'): Approval {
  return { id, missionId, taskId: 't1', actorId: 't1.1', tool: 'book_train', args: { trainId: 'N1' }, status: 'pending', requestedAt: '2025-01-01T00:00:00.000Z' };
}

const resolvedEvents = (events: Event[]): Event[] => events.filter((e) => e.type === 'approval.resolved');

describe('approval decisions in the Redis store', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('claims a decision all or nothing: a claim that fails midway leaves no marker, no decided record and no event', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const id = mission.id;
    await f.store.putApproval(pending(id));
    const keys = new StoreKeys(f.prefix);
    // Inject a failure at the claim's own write: the event stream is damaged (a string, not a stream).
    const aside = `${keys.events(id)}:aside`;
    await f.redis.rename(keys.events(id), aside);
    await f.redis.set(keys.events(id), 'damaged');
    await expect(f.store.claimApprovalDecision(pending(id), { decision: 'approve', by: 'op' })).rejects.toThrow(/WRONGTYPE/);
    expect(await f.redis.exists(keys.approvalDecision(id, 'ap1'))).toBe(0);
    expect(await f.store.getApprovalDecision(id, 'ap1')).toBeNull();
    expect((await f.store.getApproval('ap1'))?.status).toBe('pending');

    // Repaired, the same claim writes all three together.
    await f.redis.del(keys.events(id));
    await f.redis.rename(aside, keys.events(id));
    const claimed = await f.store.claimApprovalDecision(pending(id), { decision: 'approve', by: 'op', note: 'fine' });
    expect(claimed?.approval).toMatchObject({ id: 'ap1', status: 'approved', note: 'fine', decidedBy: 'op', resolvedAt: expect.any(String) });
    expect(await f.store.getApprovalDecision(id, 'ap1')).toEqual({ decision: 'approve', by: 'op', note: 'fine', resolvedAt: claimed?.approval.resolvedAt });
    expect(await f.store.getApproval('ap1')).toEqual(claimed?.approval);
    expect(resolvedEvents(await f.store.readEvents(id))).toEqual([claimed?.event]);
  });

  it('lets exactly one of many concurrent decisions count, and the marker, record and event agree on it', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const id = mission.id;
    await f.store.putApproval(pending(id));
    const others = Array.from({ length: 4 }, () => f.other());
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (others[i % others.length] ?? f.store).claimApprovalDecision({ id: 'ap1', missionId: id }, { decision: i % 2 ? 'approve' : 'reject', by: `op${i}` })),
    );
    const winners = claims.filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    const won = winners[0]!;
    const marker = await f.store.getApprovalDecision(id, 'ap1');
    expect(marker?.by).toBe(`op${claims.indexOf(won)}`);
    // The decided record and its event name the same decider as the marker.
    expect(won.approval.decidedBy).toBe(marker?.by);
    expect((await f.store.getApproval('ap1'))?.decidedBy).toBe(marker?.by);
    expect((await f.store.getApproval('ap1'))?.status).toBe(marker?.decision === 'approve' ? 'approved' : 'rejected');
    expect(resolvedEvents(await f.store.readEvents(id)).map((e) => e.id)).toEqual([won.event.id]);
  });

  it('does not decide an approval whose record is no longer pending, nor one that does not exist', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await f.store.putApproval({ ...pending(mission.id), status: 'rejected', resolvedAt: '2025-01-01T00:01:00.000Z' });
    expect(await f.store.claimApprovalDecision(pending(mission.id), { decision: 'approve', by: 'op' })).toBeNull();
    expect(await f.store.getApprovalDecision(mission.id, 'ap1')).toBeNull();
    await expect(f.store.claimApprovalDecision(pending(mission.id, 'ap404'), { decision: 'approve', by: 'op' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('announces a request once, its marker holding the event id', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await f.store.putApproval(pending(mission.id));
    const first = await f.store.announceApprovalRequest(pending(mission.id));
    expect(first).toMatchObject({ type: 'approval.requested', taskId: 't1', actorId: 't1.1', data: { approval: pending(mission.id) } });
    expect(await f.store.announceApprovalRequest(pending(mission.id))).toBeNull();
    expect((await f.store.readEvents(mission.id)).filter((e) => e.type === 'approval.requested').map((e) => e.id)).toEqual([first?.id]);
    expect(JSON.parse((await f.redis.get(new StoreKeys(f.prefix).approvalRequested(mission.id, 'ap1'))) ?? 'null')).toEqual({ eventId: first?.id });
  });
});
