import { readAcross, type RedisClient } from './redis-connection.ts';
import { StoreError } from './errors.ts';
import type { StoreKeys } from './keys.ts';
import type { MissionIndex } from './mission-index.ts';
import type { ListMissionsOptions, MissionRecord } from './types.ts';

/** Missions per page when no limit is given. @default 50 */
/**
 * The index entries of a `ZREVRANGEBYSCORE … WITHSCORES` reply, without those at or before the
 * cursor (same score: ids sort the ties).
 */
function positionsAfter(flat: string[], after: Position | undefined): Position[] {
  const out: Position[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const id = flat[i] as string;
    const score = Number(flat[i + 1]);
    if (after && score === after.score && id >= after.id) continue;
    out.push({ id, score });
  }
  return out;
}

export const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1000;

interface Position {
  score: number;
  id: string;
}

function encodeCursor(p: Position): string {
  return Buffer.from(`${p.score}:${p.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Position {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const i = raw.indexOf(':');
  const score = Number(raw.slice(0, i));
  const id = raw.slice(i + 1);
  if (i <= 0 || !Number.isFinite(score) || id === '') throw new StoreError('invalid', 'cursor is not one this store returned');
  return { score, id };
}

/**
 * Newest first over the index sorted set matching the filters (all, per owner, per status,
 * per owner and status; score = createdAt ms), so a page reads about `limit` records however
 * many missions exist. The cursor is the last returned (score, id), so pages stay stable while
 * missions are added. Filters are checked again on the records themselves, so the result is
 * always consistent with the mission's current status; an entry found stale (status moved,
 * mission expired) is repaired on the way.
 * Ties on the score come back in reverse lexicographic order of the id, which the cursor honours.
 */
export async function listMissionPage(
  redis: RedisClient,
  keys: StoreKeys,
  index: MissionIndex,
  load: (ids: string[]) => Promise<(MissionRecord | null)[]>,
  opts: ListMissionsOptions,
): Promise<{ items: MissionRecord[]; nextCursor?: string }> {
  const limit = opts.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new StoreError('invalid', `limit must be an integer 1..${MAX_LIST_LIMIT}, got ${limit}`);
  }
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor) : undefined;
  const indexKey = keys.missionIndex({ owner: opts.owner, status: opts.status });
  const batch = limit + 1;
  const max = after ? String(after.score) : '+inf';
  const found: MissionRecord[] = [];
  let last: Position | undefined;
  let offset = 0;
  // One more than `limit` is looked for, so nextCursor is given only when another page exists.
  while (found.length <= limit) {
    const flat = await redis.zrevrangebyscore(indexKey, max, '-inf', 'WITHSCORES', 'LIMIT', offset, batch);
    if (flat.length === 0) break;
    offset += flat.length / 2;
    const candidates = positionsAfter(flat, after);
    const records = await load(candidates.map((c) => c.id));
    const repairs: Promise<void>[] = [];
    for (const [i, record] of records.entries()) {
      const c = candidates[i] as Position;
      if (!record) {
        repairs.push(index.repair(c.id, opts.owner, undefined, c.score));
        continue;
      }
      if (opts.status !== undefined && record.status !== opts.status) {
        repairs.push(index.repair(c.id, record.owner, record.status, c.score));
        continue;
      }
      if (opts.owner !== undefined && record.owner !== opts.owner) continue;
      if (found.length < limit) last = candidates[i];
      found.push(record);
      if (found.length > limit) break;
    }
    await Promise.all(repairs);
    // Each repaired entry left the index being read, so later entries moved up by one.
    offset -= repairs.length;
  }
  const items = found.slice(0, limit);
  return found.length > limit && last ? { items, nextCursor: encodeCursor(last) } : { items };
}

/**
 * Ids of the missions in one status, newest first, from the status index: one index read and
 * one status check per id, no record loaded. Entries whose mission moved on or expired are
 * repaired and left out. For the reaper.
 */
export async function listMissionIds(
  redis: RedisClient,
  keys: StoreKeys,
  index: MissionIndex,
  opts: { status: string; limit?: number; cursor?: string },
): Promise<{ ids: string[]; nextCursor?: string }> {
  const limit = opts.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new StoreError('invalid', `limit must be an integer 1..${MAX_LIST_LIMIT}, got ${limit}`);
  }
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor) : undefined;
  const flat = await redis.zrevrangebyscore(keys.missionIndex({ status: opts.status }), after ? String(after.score) : '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, 2 * limit + 1);
  const candidates = positionsAfter(flat, after);
  const page = candidates.slice(0, limit);
  const statuses = (await readAcross(redis, page.map((c) => ['hget', keys.record(c.id), 'status']))).map(([err, v]) => (err ? null : (v as string | null)));
  const ids: string[] = [];
  const repairs: Promise<void>[] = [];
  for (const [i, c] of page.entries()) {
    const status = statuses[i];
    if (status === opts.status) ids.push(c.id);
    // Owner unknown here: only the status indexes without owner are repaired; listing fixes the rest.
    else repairs.push(index.repair(c.id, undefined, status ?? undefined, c.score));
  }
  await Promise.all(repairs);
  const last = page[page.length - 1];
  return candidates.length > limit && last ? { ids, nextCursor: encodeCursor(last) } : { ids };
}

/**
 * How many missions each status index holds (and all of them), for one owner or everyone:
 * the counts of the dashboard's status tabs. Read from the indexes (one ZCARD each), so an
 * entry a listing has not repaired yet may count for a moment.
 */
export async function countMissions(redis: RedisClient, keys: StoreKeys, statuses: readonly string[], owner?: string): Promise<{ total: number; byStatus: Record<string, number> }> {
  const pipe = redis.pipeline();
  pipe.zcard(keys.missionIndex({ owner }));
  for (const status of statuses) pipe.zcard(keys.missionIndex({ owner, status }));
  const replies = (await pipe.exec()) ?? [];
  const n = (i: number): number => {
    const r = replies[i];
    return r && !r[0] ? Number(r[1]) : 0;
  };
  const byStatus: Record<string, number> = {};
  statuses.forEach((s, i) => (byStatus[s] = n(i + 1)));
  return { total: n(0), byStatus };
}
