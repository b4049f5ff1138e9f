import { Redis } from 'ioredis';
import { RedisMissionStore } from './redis-mission-store.ts';
import { assertEventsMax, assertRetention, DEFAULT_EVENTS_MAX, DEFAULT_RETENTION_MS } from './retention.ts';
import type { MissionStore } from './roles.ts';

export interface CreateMissionStoreOptions {
  /** A connection to use (left open on close), or a URL to connect to. @default 'redis://127.0.0.1:6379' */
  redis?: Redis | string;
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
  if (opts.redis !== undefined && typeof opts.redis !== 'string') {
    return new RedisMissionStore(opts.redis, settings);
  }
  const url = opts.redis ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, {
    // Reconnect for as long as Redis is away (a restart, a failover); a command waits through about
    // 30 s of reconnecting (maxRetriesPerRequest 20) before it fails, so a quick restart loses none.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  });
  // Failures reach callers as rejected commands; without a listener ioredis also prints each one.
  redis.on('error', () => undefined);
  try {
    return new RedisMissionStore(redis, { ownsConnection: true, ...settings });
  } catch (err) {
    redis.disconnect();
    throw err;
  }
}
