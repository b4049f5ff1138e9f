import type { Redis } from 'ioredis';
import { StoreError } from './errors.ts';
import type { ListMissionsOptions, MissionRecord } from './types.ts';

/** Missions per page when no limit is given. @default 50 */
export const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1000;
const BATCH = 100;

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
 * Newest first over the `missions` sorted set (score = createdAt ms). The cursor is the last
 * returned (score, id), so pages stay stable while missions are added. Filters are applied to
 * the records themselves, so they are always consistent with the mission's current status.
 * Ties on the score come back in reverse lexicographic order of the id, which the cursor honours.
 */
export async function listMissionPage(
  redis: Redis,
  indexKey: string,
  load: (ids: string[]) => Promise<(MissionRecord | null)[]>,
  opts: ListMissionsOptions,
): Promise<{ items: MissionRecord[]; nextCursor?: string }> {
  const limit = opts.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new StoreError('invalid', `limit must be an integer 1..${MAX_LIST_LIMIT}, got ${limit}`);
  }
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor) : undefined;
  const max = after ? String(after.score) : '+inf';
  const found: MissionRecord[] = [];
  let last: Position | undefined;
  let offset = 0;
  // One more than `limit` is looked for, so nextCursor is given only when another page exists.
  while (found.length <= limit) {
    const flat = await redis.zrevrangebyscore(indexKey, max, '-inf', 'WITHSCORES', 'LIMIT', offset, BATCH);
    if (flat.length === 0) break;
    offset += flat.length / 2;
    const candidates: Position[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const id = flat[i] as string;
      const score = Number(flat[i + 1]);
      if (after && score === after.score && id >= after.id) continue;
      candidates.push({ id, score });
    }
    const records = await load(candidates.map((c) => c.id));
    for (const [i, record] of records.entries()) {
      if (!record) continue;
      if (opts.status !== undefined && record.status !== opts.status) continue;
      if (opts.owner !== undefined && record.owner !== opts.owner) continue;
      if (found.length < limit) last = candidates[i];
      found.push(record);
      if (found.length > limit) break;
    }
  }
  const items = found.slice(0, limit);
  return found.length > limit && last ? { items, nextCursor: encodeCursor(last) } : { items };
}
