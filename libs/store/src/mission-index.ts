import { MissionStatus } from '@aime/protocol';
import type { ChainableCommander } from 'ioredis';
import { readAcross, type RedisClient } from './redis-connection.ts';
import type { StoreKeys } from './keys.ts';

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
   * unfiltered listing. Returns how many were indexed (0 when already done).
   */
  async backfill(batch = 500): Promise<number> {
    const marker = this.keys.indexVersion;
    if ((await this.redis.get(marker)) === '1') return 0;
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
    return done;
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
