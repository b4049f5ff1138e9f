import { createRedis, DEFAULT_REDIS_URL, type RedisClient, type RedisTarget } from './redis-connection.ts';
import { RedisMissionStore } from './redis-mission-store.ts';
import { assertEventsMax, assertRetention, DEFAULT_EVENTS_MAX, DEFAULT_RETENTION_MS } from './retention.ts';
import type { MissionStore } from './roles.ts';

export interface CreateMissionStoreOptions {
  /**
   * A connection to use (left open on close), or where to connect: a URL, or a {@link RedisTarget}
   * (`cluster: true` connects to a Redis Cluster). @default 'redis://127.0.0.1:6379'
   */
  redis?: RedisClient | RedisTarget | string;
  /** Put before every key; must not contain braces. @default 'aime:' */
  prefix?: string;
  /** How long a finished mission is kept, in ms (entry points pass the validated `AIME_RETENTION`). @default 7 days */
  retentionMs?: number;
  /** Approximate cap of each mission's event stream (`AIME_EVENTS_MAX`). @default 10000 */
  eventsMax?: number;
}

/** Opens the mission store. `close()` quits the connection only when the store created it. */
export function createMissionStore(opts: CreateMissionStoreOptions = {}): MissionStore {
  // Validated before any connection is opened, so a bad value fails fast and clean.
  const settings = {
    retentionMs: opts.retentionMs ?? DEFAULT_RETENTION_MS,
    eventsMax: opts.eventsMax ?? DEFAULT_EVENTS_MAX,
    ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
  };
  assertRetention(settings.retentionMs);
  assertEventsMax(settings.eventsMax);
  if (opts.redis !== undefined && typeof opts.redis !== 'string' && !isTarget(opts.redis)) {
    return new RedisMissionStore(opts.redis, settings);
  }
  // Reconnects for as long as Redis is away (a restart, a failover); a command waits through about
  // 30 s of reconnecting (maxRetriesPerRequest 20) before it fails, so a quick restart loses none.
  // Auto-pipelining: the many small commands of a step (reads, appends, scripts) issued in one
  // tick share one socket write instead of one write each.
  const redis = createRedis(opts.redis ?? DEFAULT_REDIS_URL, { autoPipelining: true });
  try {
    return new RedisMissionStore(redis, { ownsConnection: true, ...settings });
  } catch (err) {
    redis.disconnect();
    throw err;
  }
}

function isTarget(x: RedisClient | RedisTarget): x is RedisTarget {
  return typeof (x as RedisTarget).url === 'string' && !('status' in x);
}
