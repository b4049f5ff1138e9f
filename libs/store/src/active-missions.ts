import { MissionStatus, isTerminalMissionStatus } from '@aime/protocol';
import { StoreKeys } from './keys.ts';
import { readAcross, type RedisClient } from './redis-connection.ts';

/**
 * Reservations younger than this count as in flight even without a mission record: the API
 * reserves a slot before it creates the mission, and a concurrent request must not prune it.
 */
const PENDING_GRACE_MS = 60_000;

/** The outcome of {@link ActiveMissions.reserve}. */
export interface Reservation {
  ok: boolean;
  /** Missions of the owner in flight, the new one included when `ok`. */
  active: number;
}

/**
 * Missions in flight (not succeeded, failed or cancelled) per owner, for the per-caller cap,
 * without scanning all missions: a sorted set per owner of the ids it created (score = when),
 * pruned of finished and expired missions whenever it is read. It is an index next to the
 * mission records, never their source of truth, so no code path that finishes a mission has
 * to maintain it. Its size stays near the cap, since a refused reservation is taken back.
 *
 * Keys (global, outside any mission's hash tag): `P` + `active:missions` (every owner's
 * reservations, for the in-flight gauge) and `P` + `active:owner:<owner>`; on a Redis Cluster
 * both start with `P{active}:` so the MULTI over them stays in one slot.
 */
export class ActiveMissions {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: RedisClient,
    readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = new StoreKeys(prefix, { cluster: redis.isCluster });
  }

  private ownerKey(owner: string): string {
    // A brace would make part of the owner a hash tag; the key needs none.
    return `${this.keys.global('active')}active:owner:${owner.replace(/[{}]/g, '_')}`;
  }

  private get allKey(): string {
    return `${this.keys.global('active')}active:missions`;
  }

  /**
   * Takes a slot for `missionId` (not yet created) unless `owner` has `limit` missions in
   * flight already. Add first, count after: two racing requests may both be refused near
   * the cap, never both admitted over it.
   */
  async reserve(owner: string, missionId: string, limit: number): Promise<Reservation> {
    const key = this.ownerKey(owner);
    const at = this.now();
    await this.redis.multi().zadd(key, at, missionId).zadd(this.allKey, at, missionId).exec();
    const active = await this.prune(key);
    if (active <= limit) return { ok: true, active };
    await this.release(owner, missionId);
    return { ok: false, active: active - 1 };
  }

  /** Gives a reserved slot back (the mission was refused or its creation failed). */
  async release(owner: string, missionId: string): Promise<void> {
    await this.redis.multi().zrem(this.ownerKey(owner), missionId).zrem(this.allKey, missionId).exec();
  }

  /** Missions of `owner` in flight now. */
  async count(owner: string): Promise<number> {
    return this.prune(this.ownerKey(owner));
  }

  /** Missions in flight over all owners, reading at most `max` reservations. */
  async countAll(max = 10_000): Promise<number> {
    return this.prune(this.allKey, max);
  }

  /** Removes finished, expired and stale pending ids from `key`; returns how many stay. */
  private async prune(key: string, max = 10_000): Promise<number> {
    const flat = await this.redis.zrange(key, 0, max - 1, 'WITHSCORES');
    if (flat.length === 0) return 0;
    const entries: Array<{ id: string; at: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ id: flat[i] as string, at: Number(flat[i + 1]) });
    const replies = await readAcross(this.redis, entries.map((e) => ['hget', this.keys.record(e.id), 'status']));
    const now = this.now();
    const gone: string[] = [];
    entries.forEach((e, i) => {
      const status = MissionStatus.safeParse(replies[i]?.[1]);
      if (status.success ? isTerminalMissionStatus(status.data) : now - e.at > PENDING_GRACE_MS) gone.push(e.id);
    });
    if (gone.length > 0) await this.redis.zrem(key, ...gone);
    return entries.length - gone.length;
  }
}
