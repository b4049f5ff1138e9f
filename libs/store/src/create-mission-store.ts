import { Redis } from 'ioredis';
import { RedisMissionStore } from './redis-mission-store.ts';
import type { MissionStore } from './types.ts';

export interface CreateMissionStoreOptions {
  /** A connection to use (left open on close), or a URL to connect to. @default process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' */
  redis?: Redis | string;
  /** Put before every key; must not contain braces. @default 'aime:' */
  prefix?: string;
}

/** Opens the mission store. `close()` quits the connection only when the store created it. */
export function createMissionStore(opts: CreateMissionStoreOptions = {}): MissionStore {
  if (opts.redis !== undefined && typeof opts.redis !== 'string') {
    return new RedisMissionStore(opts.redis, { ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}) });
  }
  const url = opts.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url);
  // Failures reach callers as rejected commands; without a listener ioredis also prints each one.
  redis.on('error', () => undefined);
  try {
    return new RedisMissionStore(redis, { ownsConnection: true, ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}) });
  } catch (err) {
    redis.disconnect();
    throw err;
  }
}
