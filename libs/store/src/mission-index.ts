import { isTerminalMissionStatus, MissionStatus } from '@aime/protocol';
import type { ChainableCommander } from 'ioredis';
import { readAcross, scanKeys, type AcrossCommand, type RedisClient } from './redis-connection.ts';
import { escapeGlob, type StoreKeys } from './keys.ts';

const STATUSES = MissionStatus.options;

/** What the retention sweep needs of a finished mission once its own keys are gone. */
interface FinishedMeta {
  owner?: string;
  approvals: string[];
}

/**
 * The listing indexes (all, per owner, per status, per owner and status; each a sorted set
 * by createdAt). They live outside the mission's hash tag, so on Redis Cluster they cannot be
 * written in the mission's own atomic step: they are written right after it in one MULTI
 * (on a Cluster all of them share the `{index}` hash tag, see ./keys.ts),
 * and readers verify each entry against the record and repair it (see `listMissionPage`). A
 * crash between the two steps thus leaves at worst an entry that the next reader fixes.
 */
export class MissionIndex {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  /** Every index a mission of this owner and status belongs to. */
  indexesOf(owner: string | undefined, status: string): string[] {
    const k = this.keys;
    const out = [k.missionIndex(), k.missionIndex({ status })];
    if (owner !== undefined) out.push(k.missionIndex({ owner }), k.missionIndex({ owner, status }));
    return out;
  }

  async added(id: string, owner: string | undefined, status: string, createdMs: number): Promise<void> {
    const tx = this.redis.multi();
    for (const key of this.indexesOf(owner, status)) tx.zadd(key, createdMs, id);
    await tx.exec();
  }

  /** Moves the mission to its new status's indexes; a final status also schedules its removal. */
  async moved(
    id: string,
    owner: string | undefined,
    to: string,
    createdMs: number,
    finished?: { expiresAt: number; approvals: string[] },
  ): Promise<void> {
    const tx = this.redis.multi();
    this.unlinkStatuses(tx, id, owner);
    for (const key of this.indexesOf(owner, to)) tx.zadd(key, createdMs, id);
    if (finished) {
      const meta: FinishedMeta = { ...(owner !== undefined ? { owner } : {}), approvals: finished.approvals };
      tx.zadd(this.keys.finished, finished.expiresAt, id).hset(this.keys.finishedMeta, id, JSON.stringify(meta));
    }
    await tx.exec();
  }

  /** Puts one entry right after a reader found it stale (status changed, or the mission is gone). */
  async repair(id: string, owner: string | undefined, status: string | undefined, createdMs: number): Promise<void> {
    const tx = this.redis.multi();
    this.unlinkStatuses(tx, id, owner);
    if (status === undefined) {
      tx.zrem(this.keys.missionIndex(), id);
      if (owner !== undefined) tx.zrem(this.keys.missionIndex({ owner }), id);
    } else {
      for (const key of this.indexesOf(owner, status)) tx.zadd(key, createdMs, id);
    }
    await tx.exec();
  }

  /** Removes the mission from every index (its keys are deleted or expired). */
  async removed(id: string, owner: string | undefined, approvals: string[]): Promise<void> {
    const tx = this.redis.multi();
    this.unlinkStatuses(tx, id, owner);
    tx.zrem(this.keys.missionIndex(), id).zrem(this.keys.finished, id).hdel(this.keys.finishedMeta, id);
    if (owner !== undefined) tx.zrem(this.keys.missionIndex({ owner }), id);
    if (approvals.length > 0) tx.hdel(this.keys.approvalIndex, ...approvals);
    await tx.exec();
  }

  /**
   * Removes from every index the finished missions whose retention ended before `now` (their
   * keys expired by TTL already), at most `limit` per call. Returns their ids.
   */
  async sweep(now: number, limit: number): Promise<string[]> {
    const ids = await this.redis.zrangebyscore(this.keys.finished, '-inf', now, 'LIMIT', 0, limit);
    if (ids.length === 0) return [];
    const metas = await this.redis.hmget(this.keys.finishedMeta, ...ids);
    // The record may have been given a new life (a mission id reused after a delete): keep those.
    const alive = await this.existing(ids);
    const gone: string[] = [];
    for (const [i, id] of ids.entries()) {
      if (alive[i]) {
        await this.redis.zrem(this.keys.finished, id);
        continue;
      }
      const meta = JSON.parse(metas[i] ?? '{"approvals":[]}') as FinishedMeta;
      await this.removed(id, meta.owner, meta.approvals);
      gone.push(id);
    }
    return gone;
  }

  /**
   * Puts the missions created before the per-owner and per-status indexes existed into them,
   * once per store (a marker key remembers it). O(all missions), so it runs once, in the
   * background, when the planner starts; until then those old missions are only in the
   * unfiltered listing. Every call then repairs missions missing from the indexes
   * ({@link repairMissing}). Returns how many were indexed.
   */
  async backfill(batch = 500): Promise<number> {
    const marker = this.keys.indexVersion;
    if ((await this.redis.get(marker)) === '1') return this.repairMissing();
    let done = 0;
    for (let start = 0; ; start += batch) {
      const flat = await this.redis.zrange(this.keys.missionIndex(), start, start + batch - 1, 'WITHSCORES');
      if (flat.length === 0) break;
      const page: Array<{ id: string; score: number }> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) page.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
      const replies = await readAcross(this.redis, page.map(({ id }) => ['hmget', this.keys.record(id), 'base', 'status']));
      const tx = this.redis.multi();
      for (const [i, { id, score }] of page.entries()) {
        const [err, value] = replies[i] ?? [null, null];
        const [base, status] = (err ? [null, null] : value) as [string | null, string | null];
        if (!base || !status) continue;
        const owner = (JSON.parse(base) as { owner?: string }).owner;
        for (const key of this.indexesOf(owner, status)) tx.zadd(key, score, id);
        done++;
      }
      await tx.exec();
    }
    await this.redis.set(marker, '1');
    return done + (await this.repairMissing());
  }

  /**
   * Puts back into the indexes every mission whose record exists but whose listing entry does
   * not: an index write lost to a crash between a mission's atomic step and the index step after
   * it (on a Cluster they are different slots, so they cannot be one step). A finished one also
   * goes back into the retention schedule, with the TTL its keys carry. SCAN of the records on
   * every primary, O(all keys): it runs in the background when a planner starts, which is when a
   * crashed process comes back. Listing readers repair entries that are there but stale. Returns
   * how many missions were put back.
   */
  async repairMissing(): Promise<number> {
    const k = this.keys;
    // `P{<id>}:mission`: the suffix after the id, and the SCAN pattern of every record.
    const suffix = k.record('').slice(k.prefix.length + 1);
    const pattern = `${escapeGlob(k.prefix)}{*${escapeGlob(suffix)}`;
    let repaired = 0;
    await scanKeys(this.redis, pattern, async (found) => {
      const ids = found.map((key) => ({ key, id: key.slice(k.prefix.length + 1, -suffix.length) })).filter(({ key, id }) => /^[^{}]+$/.test(id) && k.record(id) === key).map(({ id }) => id);
      if (ids.length === 0) return;
      const scores = await this.redis.zmscore(k.missionIndex(), ...ids);
      const missing = ids.filter((_, i) => scores[i] === null);
      if (missing.length === 0) return;
      const replies = await readAcross(this.redis, missing.flatMap((id): AcrossCommand[] => [['hmget', k.record(id), 'base', 'status'], ['pttl', k.record(id)], ['hkeys', k.approvals(id)]]));
      const tx = this.redis.multi();
      const now = Date.now();
      for (const [i, id] of missing.entries()) {
        const [base, status] = (replies[3 * i]?.[1] ?? [null, null]) as [string | null, string | null];
        if (!base || !status) continue;
        const { owner, createdAt } = JSON.parse(base) as { owner?: string; createdAt: string };
        for (const key of this.indexesOf(owner, status)) tx.zadd(key, Date.parse(createdAt), id);
        const ttl = Number(replies[3 * i + 1]?.[1] ?? -1);
        if (isTerminalMissionStatus(status as MissionStatus) && ttl > 0) {
          const meta: FinishedMeta = { ...(owner !== undefined ? { owner } : {}), approvals: (replies[3 * i + 2]?.[1] ?? []) as string[] };
          tx.zadd(k.finished, now + ttl, id).hset(k.finishedMeta, id, JSON.stringify(meta));
        }
        repaired++;
      }
      await tx.exec();
    });
    return repaired;
  }

  private async existing(ids: string[]): Promise<boolean[]> {
    const replies = await readAcross(this.redis, ids.map((id) => ['pttl', this.keys.record(id)]));
    // A record without a TTL (-1) was recreated; one with a TTL is still expiring.
    return replies.map(([err, ttl]) => !err && ttl === -1);
  }

  private unlinkStatuses(tx: ChainableCommander, id: string, owner: string | undefined): void {
    for (const status of STATUSES) {
      tx.zrem(this.keys.missionIndex({ status }), id);
      if (owner !== undefined) tx.zrem(this.keys.missionIndex({ owner, status }), id);
    }
  }
}
