import { parseEvent, type ArtifactRef, type Event, type NewEvent } from '@aime/protocol';
import type { RedisClient } from './redis-connection.ts';
import type { z } from 'zod';
import { encodeNewEvent } from './codec.ts';
import { StoreError } from './errors.ts';
import type { StoreKeys } from './keys.ts';
import {
  ActorLease,
  ActorQueueRecord,
  encodeRecord,
  FinishedMarker,
  parseRecord,
  PendingStep,
  RepairCount,
  ReportedMarker,
  StallHistory,
  UnknownPriceMarker,
  type StallEntry,
} from './record-schemas.ts';
import * as lua from './scripts.ts';
import { assertId } from './validate.ts';

/** Appends events to the global feed (best effort). */
export type FeedWriter = (missionId: string, events: Event[]) => Promise<void>;

/** Where a store's scripts write: the connection, the keys, the stream cap and the feed. */
export interface ScriptContext {
  redis: RedisClient;
  keys: StoreKeys;
  eventsMax: number;
  feed: FeedWriter;
}

/**
 * Appends `event` once: its write-once `markerKey` and the event in one script. The marker gets
 * the event id in `idField` when given. Returns the event, or null when the marker existed.
 */
export async function appendEventOnce(
  ctx: ScriptContext,
  missionId: string,
  markerKey: string,
  marker: Record<string, unknown>,
  event: NewEvent,
  idField = '',
): Promise<Event | null> {
  const { json, stored } = encodeNewEvent(missionId, event);
  const k = ctx.keys;
  const reply = (await lua.APPEND_EVENT_ONCE.run(ctx.redis, [k.record(missionId), k.events(missionId), markerKey, k.owned(missionId)], [json, ctx.eventsMax, JSON.stringify(marker), idField])) as string[];
  if (reply[0] === 'missing') throw new StoreError('not_found', `mission ${missionId} not found`, { missionId });
  if (reply[0] === 'done') return null;
  const written = parseEvent({ ...stored, id: reply[1] });
  await ctx.feed(missionId, [written]);
  return written;
}

/**
 * The small named records of a mission (./record-schemas.ts): each written whole through the
 * owned-key script (so it expires with the mission) and parsed on read.
 */
export class NamedRecords {
  constructor(private readonly ctx: ScriptContext) {}

  private get keys(): StoreKeys {
    return this.ctx.keys;
  }

  // ---- actors ----

  async putPendingStep(missionId: string, actorId: string, step: PendingStep): Promise<void> {
    assertId(actorId, 'actorId');
    await this.set(missionId, this.keys.pendingStep(missionId, actorId), encodeRecord(PendingStep, step, 'pending step'));
  }
  async getPendingStep(missionId: string, actorId: string): Promise<PendingStep | null> {
    return this.get(PendingStep, this.keys.pendingStep(missionId, actorId), 'pending step', { missionId, actorId });
  }

  async markReported(missionId: string, actorId: string, marker: ReportedMarker): Promise<void> {
    assertId(actorId, 'actorId');
    await this.set(missionId, this.keys.reported(missionId, actorId), encodeRecord(ReportedMarker, marker, 'reported marker'));
  }
  /** Only whether the marker exists: any marker, of any version, means reported. */
  async isReported(missionId: string, actorId: string): Promise<boolean> {
    return (await this.ctx.redis.exists(this.keys.reported(missionId, actorId))) === 1;
  }

  async recordActorQueue(missionId: string, actorId: string, queue: string): Promise<void> {
    assertId(actorId, 'actorId');
    await this.set(missionId, this.keys.actorQueue(missionId, actorId), encodeRecord(ActorQueueRecord, { queue }, 'actor queue'));
  }
  async getActorQueue(missionId: string, actorId: string): Promise<string | null> {
    return (await this.get(ActorQueueRecord, this.keys.actorQueue(missionId, actorId), 'actor queue', { missionId, actorId }))?.queue ?? null;
  }

  async putActorLease(missionId: string, actorId: string, lease: ActorLease): Promise<void> {
    assertId(actorId, 'actorId');
    await this.set(missionId, this.keys.actorLease(missionId, actorId), encodeRecord(ActorLease, lease, 'actor lease'));
  }
  async getActorLease(missionId: string, actorId: string): Promise<ActorLease | null> {
    return this.get(ActorLease, this.keys.actorLease(missionId, actorId), 'actor lease', { missionId, actorId });
  }

  // ---- planner ----

  async getStallHistory(missionId: string): Promise<StallEntry[]> {
    return (await this.get(StallHistory, this.keys.stallHistory(missionId), 'stall history', { missionId })) ?? [];
  }
  async putStallHistory(missionId: string, history: StallEntry[]): Promise<void> {
    await this.set(missionId, this.keys.stallHistory(missionId), encodeRecord(StallHistory, history, 'stall history'));
  }

  async getRepairCount(missionId: string, actorId: string): Promise<number> {
    return (await this.get(RepairCount, this.keys.repairs(missionId, actorId), 'repair count', { missionId, actorId }))?.count ?? 0;
  }
  async setRepairCount(missionId: string, actorId: string, count: number): Promise<void> {
    assertId(actorId, 'actorId');
    await this.set(missionId, this.keys.repairs(missionId, actorId), encodeRecord(RepairCount, { count }, 'repair count'));
  }

  announceMissionFinished(
    missionId: string,
    data: { status: 'succeeded' | 'failed' | 'cancelled'; answer?: string; artifacts: ArtifactRef[]; error?: { code: string; message: string } },
  ): Promise<Event | null> {
    const marker = FinishedMarker.parse({ status: data.status });
    return appendEventOnce(this.ctx, missionId, this.keys.finishedMarker(missionId), marker, { type: 'mission.finished', data });
  }

  warnUnknownPrice(missionId: string, model: string, warning: NewEvent): Promise<Event | null> {
    return appendEventOnce(this.ctx, missionId, this.keys.unknownPriceMarker(missionId), UnknownPriceMarker.parse({ model }), warning);
  }

  // ---- internals ----

  private async set(missionId: string, key: string, json: string): Promise<void> {
    await lua.OWNED_WRITE.run(this.ctx.redis, [this.keys.owned(missionId), key], ['SET', json]);
  }

  private async get<S extends z.ZodType>(schema: S, key: string, what: string, details: Record<string, unknown>): Promise<z.output<S> | null> {
    return parseRecord(schema, await this.ctx.redis.get(key), what, details);
  }
}
