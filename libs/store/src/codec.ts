import { errorMessage, EVENT_SCHEMA_VERSION, InboxItem, MissionStatus, parseEvent, redact } from '@aime/protocol';
import type { Event, NewEvent, Usage } from '@aime/protocol';
import { StoreError } from './errors.ts';
import { parseRecord } from './record-schemas.ts';
import type { MissionRecord } from './types.ts';

/** The fields of a mission record that never change after creation (hash field `base`). */
type RecordBase = Pick<MissionRecord, 'id' | 'goal' | 'createdAt' | 'model' | 'budget' | 'context' | 'metadata' | 'owner'>;

/** Splits a record into its immutable JSON base and its mutable hash fields. */
export function encodeRecordBase(r: MissionRecord): string {
  const base: RecordBase = { id: r.id, goal: r.goal, createdAt: r.createdAt, model: r.model, budget: r.budget };
  if (r.context !== undefined) base.context = r.context;
  if (r.metadata !== undefined) base.metadata = r.metadata;
  if (r.owner !== undefined) base.owner = r.owner;
  return JSON.stringify(base);
}

/** A flat `[field, value, field, value...]` reply (HGETALL from Lua) as an object. */
export function flatToObject(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

/** Usage counters from the usage hash; absent fields count as 0. */
export function decodeUsage(h: Record<string, string>): Usage {
  const int = (k: string): number => {
    const n = Number.parseInt(h[k] ?? '0', 10);
    return Number.isFinite(n) ? n : 0;
  };
  const cost = Number.parseFloat(h.costUsd ?? '0');
  return {
    promptTokens: int('promptTokens'),
    completionTokens: int('completionTokens'),
    cachedPromptTokens: int('cachedPromptTokens'),
    reasoningTokens: int('reasoningTokens'),
    costUsd: Number.isFinite(cost) ? cost : 0,
    costKnown: h.costKnown !== '0',
    plannerSteps: int('plannerSteps'),
    actors: int('actors'),
  };
}

/** The record from its hash and usage hash; null when the mission hash is empty (absent). */
export function decodeRecord(h: Record<string, string>, usage: Record<string, string>): MissionRecord | null {
  if (h.base === undefined) return null;
  const base = JSON.parse(h.base) as RecordBase;
  const record: MissionRecord = {
    ...base,
    status: MissionStatus.parse(h.status),
    updatedAt: h.updatedAt ?? base.createdAt,
    usage: decodeUsage(usage),
  };
  if (h.result) record.result = JSON.parse(h.result) as MissionRecord['result'];
  if (h.error) record.error = JSON.parse(h.error) as MissionRecord['error'];
  return record;
}

/** What is stored in the stream entry: the event without its id (the stream id is the id). */
export type StoredEvent = Omit<Event, 'id'>;

/**
 * Validates a new event against its schema (defaults filled in) and returns the JSON to
 * store, so that reading it back can never fail on a malformed known event.
 */
export function encodeNewEvent(missionId: string, e: NewEvent, ts: string = new Date().toISOString()): { json: string; stored: StoredEvent } {
  // The one choke point of every event: secrets are redacted before anything is stored or shown.
  const candidate: Record<string, unknown> = { id: '0-1', missionId, ts, v: EVENT_SCHEMA_VERSION, type: e.type, data: redact(e.data) };
  if (e.taskId !== undefined) candidate.taskId = e.taskId;
  if (e.actorId !== undefined) candidate.actorId = e.actorId;
  let parsed: Event;
  try {
    parsed = parseEvent(candidate);
  } catch (err) {
    throw new StoreError('invalid', `invalid ${e.type} event: ${errorMessage(err)}`, { type: e.type });
  }
  const { id: _id, ...stored } = parsed;
  return { json: JSON.stringify(stored), stored };
}

/** An event from a stream entry's fields (`['e', json]`) and its id. */
export function decodeStreamEvent(id: string, fields: string[]): Event {
  const i = fields.indexOf('e');
  const json = i >= 0 ? fields[i + 1] : undefined;
  if (json === undefined) throw new StoreError('invalid', `event ${id} has no payload`);
  return parseEvent({ ...(JSON.parse(json) as object), id });
}

/** Stream entries as ioredis returns them from XRANGE / XREAD. */
export type StreamEntries = [id: string, fields: string[]][];

export function decodeStreamEvents(entries: StreamEntries): Event[] {
  return entries.map(([id, fields]) => decodeStreamEvent(id, fields));
}

export function parseInboxItem(json: string): InboxItem {
  return parseRecord(InboxItem, json, 'inbox item', {}) as InboxItem;
}

const STREAM_ID = /^\d+-\d+$/;

/** Throws `invalid` unless `id` looks like a Redis stream id (`<ms>-<seq>`). */
export function assertStreamId(id: string, what: string): void {
  if (!STREAM_ID.test(id)) throw new StoreError('invalid', `${what} must be an event id like 1700000000000-0, got ${JSON.stringify(id)}`);
}
