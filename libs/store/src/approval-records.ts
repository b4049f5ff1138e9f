import { Approval, parseEvent, type Event } from '@aime/protocol';
import { encodeNewEvent } from './codec.ts';
import { StoreError } from './errors.ts';
import { appendEventOnce, type ScriptContext } from './named-records.ts';
import { ApprovalDecision, ApprovalRequestedMarker, encodeRecord, parseRecord, resolveApproval } from './record-schemas.ts';
import * as lua from './scripts.ts';
import { assertId, invalid } from './validate.ts';

/** Re-reads of a pending approval rewritten while a decision was being claimed. */
const CLAIM_ROUNDS = 5;

/** Oldest request first (ties by id). */
export function byRequestTime(a: Approval, b: Approval): number {
  if (a.requestedAt !== b.requestedAt) return a.requestedAt < b.requestedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Approvals of risky tool calls: the record in the mission's `approvals` hash, the global
 * approval index (approval id → mission id), the write-once `approval.requested` marker and
 * the write-once decision, which the claim writes together with the decided record and its event.
 */
export class ApprovalRecords {
  constructor(private readonly ctx: ScriptContext) {}

  async put(approval: Approval): Promise<void> {
    const parsed = Approval.safeParse(approval);
    if (!parsed.success) throw invalid(`approval is invalid: ${parsed.error.message}`);
    const a = parsed.data;
    const { redis, keys } = this.ctx;
    await lua.OWNED_WRITE.run(redis, [keys.owned(a.missionId), keys.approvals(a.missionId)], ['HSET', a.id, JSON.stringify(a)]);
    await redis.hset(keys.approvalIndex, a.id, a.missionId);
  }

  async get(approvalId: string): Promise<Approval | null> {
    const { redis, keys } = this.ctx;
    const missionId = await redis.hget(keys.approvalIndex, approvalId);
    if (!missionId) return null;
    return parseRecord(Approval, await redis.hget(keys.approvals(missionId), approvalId), 'approval', { missionId, approvalId });
  }

  async list(missionId: string): Promise<Approval[]> {
    const all = await this.ctx.redis.hgetall(this.ctx.keys.approvals(missionId));
    return Object.entries(all)
      .map(([approvalId, json]) => parseRecord(Approval, json, 'approval', { missionId, approvalId }) as Approval)
      .sort(byRequestTime);
  }

  announceRequest(approval: Approval): Promise<Event | null> {
    const a = Approval.parse(approval);
    const event = { type: 'approval.requested', taskId: a.taskId, actorId: a.actorId, data: { approval: a } } as const;
    return appendEventOnce(this.ctx, a.missionId, this.ctx.keys.approvalRequested(a.missionId, a.id), ApprovalRequestedMarker.parse({ eventId: '' }), event, 'eventId');
  }

  async claimDecision(approval: Pick<Approval, 'id' | 'missionId'>, decision: ApprovalDecision): Promise<{ approval: Approval; event: Event } | null> {
    const { missionId, id } = approval;
    assertId(missionId, 'missionId');
    assertId(id, 'approval id');
    const markerJson = encodeRecord(ApprovalDecision, { ...decision, resolvedAt: decision.resolvedAt ?? new Date().toISOString() }, 'approval decision');
    const full = JSON.parse(markerJson) as ApprovalDecision;
    const { redis, keys, eventsMax } = this.ctx;
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const current = await redis.hget(keys.approvals(missionId), id);
      if (current === null) throw new StoreError('not_found', `approval ${id} of mission ${missionId} not found`, { missionId, approvalId: id });
      const stored = parseRecord(Approval, current, 'approval', { missionId, approvalId: id }) as Approval;
      if (stored.status !== 'pending') return null;
      const resolved = resolveApproval(stored, full);
      const { json, stored: ev } = encodeNewEvent(missionId, { type: 'approval.resolved', taskId: stored.taskId, actorId: stored.actorId, data: { approval: resolved } });
      const reply = (await lua.CLAIM_APPROVAL_DECISION.run(
        redis,
        [keys.record(missionId), keys.approvals(missionId), keys.events(missionId), keys.approvalDecision(missionId, id), keys.owned(missionId)],
        [id, current, markerJson, JSON.stringify(resolved), json, eventsMax],
      )) as string[];
      if (reply[0] === 'changed') continue;
      if (reply[0] === 'claimed') return null;
      if (reply[0] === 'missing' || reply[0] === 'no_approval') throw new StoreError('not_found', `approval ${id} of mission ${missionId} not found`, { missionId, approvalId: id });
      const event = parseEvent({ ...ev, id: reply[1] });
      await this.ctx.feed(missionId, [event]);
      return { approval: resolved, event };
    }
    throw new StoreError('conflict', `approval ${id} kept changing while a decision was claimed`, { missionId, approvalId: id });
  }

  async getDecision(missionId: string, approvalId: string): Promise<ApprovalDecision | null> {
    return parseRecord(ApprovalDecision, await this.ctx.redis.get(this.ctx.keys.approvalDecision(missionId, approvalId)), 'approval decision', { missionId, approvalId });
  }
}
