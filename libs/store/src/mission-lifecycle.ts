import { EMPTY_USAGE, isTerminalMissionStatus, MissionStatus, ModelInfo, parseEvent, ResolvedBudget } from '@aime/protocol';
import type { Event, NewEvent, Usage } from '@aime/protocol';
import { decodeRecord, decodeUsage, encodeNewEvent, encodeRecordBase, flatToObject } from './codec.ts';
import { StoreError } from './errors.ts';
import { newMissionId } from './ids.ts';
import { escapeGlob } from './keys.ts';
import type { MissionIndex } from './mission-index.ts';
import type { ScriptContext } from './named-records.ts';
import { deleteKeysMatching, readAcross, type AcrossCommand } from './redis-connection.ts';
import * as lua from './scripts.ts';
import type { CreateMissionInput, MissionRecord, SetStatusOptions, UsageDelta } from './types.ts';
import { assertId, assertUsageDelta, invalid } from './validate.ts';

const FROM_MARK = '@@aime-status-from@@';

/** A new mission's record from what the caller gave (validated: `invalid`), created `now`. */
export function newMissionRecord(input: CreateMissionInput, now: Date): MissionRecord {
  const id = input.id ?? newMissionId();
  assertId(id, 'mission id');
  if (typeof input.goal !== 'string' || input.goal.trim() === '') throw invalid('goal must be a non-empty string');
  const model = ModelInfo.safeParse(input.model);
  if (!model.success) throw invalid(`model is invalid: ${model.error.message}`);
  const budget = ResolvedBudget.safeParse(input.budget);
  if (!budget.success) throw invalid(`budget is invalid: ${budget.error.message}`);
  const mission: MissionRecord = {
    id,
    goal: input.goal,
    status: 'queued',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    model: model.data,
    budget: budget.data,
    usage: { ...EMPTY_USAGE },
  };
  if (input.context !== undefined) mission.context = input.context;
  if (input.metadata !== undefined) mission.metadata = input.metadata;
  if (input.owner !== undefined) mission.owner = input.owner;
  return mission;
}

/** The data of a mission's `mission.created` event. */
export function createdEventData(mission: MissionRecord) {
  return { goal: mission.goal, budget: mission.budget, model: mission.model, ...(mission.context !== undefined ? { context: mission.context } : {}) };
}

/**
 * Checks a status change's target (`invalid` when it is no mission status) and says whether the
 * change can happen at all: an empty `from` list allows no current status.
 */
export function statusChangePossible(to: MissionStatus, opts: SetStatusOptions): boolean {
  if (!MissionStatus.safeParse(to).success) throw invalid(`unknown mission status ${JSON.stringify(to)}`);
  return !(opts.from && opts.from.length === 0);
}

/** The `mission.status` event of a change `from` → `to`, with the reason when one was given. */
export function statusEvent(from: MissionStatus, to: MissionStatus, reason: string | undefined): NewEvent {
  return { type: 'mission.status', data: { from, to, ...(reason !== undefined ? { reason } : {}) } };
}

/**
 * A mission's life in Redis: created (record, usage, `mission.created`, the first inbox item),
 * its status changed (with the event, and on a final status the retention TTL on every key it
 * owns), usage added, loaded, deleted. The listing indexes are global (another Cluster slot),
 * so they are written after each mission's atomic step.
 */
export class MissionLifecycle {
  constructor(
    private readonly ctx: ScriptContext,
    private readonly index: MissionIndex,
    private readonly retentionMs: number,
  ) {}

  async create(input: CreateMissionInput): Promise<{ mission: MissionRecord; event: Event }> {
    const now = new Date();
    const mission = newMissionRecord(input, now);
    const id = mission.id;
    const { json, stored } = encodeNewEvent(id, { type: 'mission.created', data: createdEventData(mission) }, mission.createdAt);
    const { redis, keys: k, eventsMax } = this.ctx;
    const eventId = await lua.CREATE_MISSION.run(redis, [k.record(id), k.usage(id), k.events(id), k.inbox(id)], [encodeRecordBase(mission), mission.status, mission.updatedAt, json, eventsMax]);
    if (typeof eventId !== 'string') throw new StoreError('conflict', `mission ${id} exists already`, { missionId: id });
    await this.index.added(id, mission.owner, mission.status, now.getTime());
    const event = parseEvent({ ...stored, id: eventId });
    await this.ctx.feed(id, [event]);
    return { mission, event };
  }

  async setStatus(id: string, to: MissionStatus, opts: SetStatusOptions = {}): Promise<{ mission: MissionRecord; event: Event } | null> {
    if (!statusChangePossible(to, opts)) return null;
    const { stored } = encodeNewEvent(id, statusEvent('queued', to, opts.reason));
    // `from` is only known inside the script: it splices the stored status into this template.
    const template = JSON.stringify({ ...stored, data: { ...(stored.data as object), from: FROM_MARK } });
    const at = template.indexOf(JSON.stringify(FROM_MARK));
    const pre = template.slice(0, at);
    const post = template.slice(at + FROM_MARK.length + 2);
    const { redis, keys: k, eventsMax } = this.ctx;
    const final = isTerminalMissionStatus(to);
    const reply = await lua.SET_STATUS.run(
      redis,
      // KEYS[9] must stay the approvals hash: the script reads its ids on a final status.
      [k.record(id), k.usage(id), k.events(id), k.owned(id), k.graph(id), k.inbox(id), k.progress(id), k.actors(id), k.approvals(id)],
      [to, stored.ts, opts.result ? JSON.stringify(opts.result) : '', opts.error ? JSON.stringify(opts.error) : '', pre, post, final ? this.retentionMs : '', eventsMax, ...(opts.from ?? [])],
    );
    if (!Array.isArray(reply)) return null;
    const [from, eventId, recordFlat, usageFlat, approvals] = reply as [string, string, unknown, unknown, string[]];
    const mission = decodeRecord(flatToObject(recordFlat), flatToObject(usageFlat));
    if (!mission) return null;
    await this.index.moved(id, mission.owner, to, Date.parse(mission.createdAt), final ? { expiresAt: Date.now() + this.retentionMs, approvals } : undefined);
    const event = parseEvent({ ...stored, id: eventId, data: { ...(stored.data as object), from } });
    await this.ctx.feed(id, [event]);
    return { mission, event };
  }

  async addUsage(id: string, delta: UsageDelta): Promise<Usage> {
    assertUsageDelta(delta);
    const { redis, keys } = this.ctx;
    const reply = await lua.ADD_USAGE.run(
      redis,
      [keys.record(id), keys.usage(id)],
      [
        delta.promptTokens ?? 0,
        delta.completionTokens ?? 0,
        (delta.costUsd ?? 0).toFixed(12),
        delta.plannerSteps ?? 0,
        delta.actors ?? 0,
        delta.cachedPromptTokens ?? 0,
        delta.reasoningTokens ?? 0,
        delta.costUnknown ? '1' : '0',
      ],
    );
    if (!Array.isArray(reply)) throw new StoreError('not_found', `mission ${id} not found`, { missionId: id });
    return decodeUsage(flatToObject(reply));
  }

  async load(ids: string[]): Promise<(MissionRecord | null)[]> {
    if (ids.length === 0) return [];
    const { redis, keys } = this.ctx;
    // Records of many missions sit in many Cluster slots: readAcross, not one pipeline.
    const replies = await readAcross(redis, ids.flatMap((id) => [['hgetall', keys.record(id)] as AcrossCommand, ['hgetall', keys.usage(id)] as AcrossCommand]));
    return ids.map((_, i) => {
      const [errR, record] = replies[2 * i] ?? [null, null];
      const [errU, usage] = replies[2 * i + 1] ?? [null, null];
      if (errR) throw errR;
      if (errU) throw errU;
      return decodeRecord((record ?? {}) as Record<string, string>, (usage ?? {}) as Record<string, string>);
    });
  }

  /** Deletes every key of the mission and its index entries; a no-op for an unknown id. */
  async delete(id: string): Promise<void> {
    assertId(id, 'mission id');
    const { redis, keys } = this.ctx;
    const [record] = await this.load([id]);
    const approvalIds = await redis.hkeys(keys.approvals(id));
    // Keys of other components (the travel world) registered as the mission's own.
    const owned = await redis.smembers(keys.owned(id));
    if (owned.length > 0) await redis.unlink(...owned);
    // Every key of the mission sits in its slot, but a Cluster has no global SCAN: each primary is scanned.
    await deleteKeysMatching(redis, `${escapeGlob(keys.mission(id))}*`);
    await this.index.removed(id, record?.owner, approvalIds);
  }
}
