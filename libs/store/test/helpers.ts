import { randomUUID } from 'node:crypto';
import { DEFAULT_BUDGET } from '@aime/protocol';
import type { NewEvent } from '@aime/protocol';
import { Redis } from 'ioredis';
import { createMissionStore } from '../src/index.ts';
import type { CreateMissionInput, MissionStore } from '../src/index.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh prefix, its stores, and a cleanup that deletes every key under the prefix. */
export interface Fixture {
  prefix: string;
  store: MissionStore;
  /** Another store on its own connection, same prefix (a second process). */
  other(): MissionStore;
  redis: Redis;
  cleanup(): Promise<void>;
}

export function fixture(): Fixture {
  const prefix = `test-${randomUUID()}:`;
  const redis = new Redis(REDIS_URL);
  const stores: MissionStore[] = [createMissionStore({ redis: REDIS_URL, prefix })];
  return {
    prefix,
    store: stores[0] as MissionStore,
    other() {
      const s = createMissionStore({ redis: REDIS_URL, prefix });
      stores.push(s);
      return s;
    },
    redis,
    async cleanup() {
      await Promise.all(stores.map((s) => s.close()));
      await deleteByPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

export async function scanKeys(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await scanKeys(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

export function missionInput(over: Partial<CreateMissionInput> = {}): CreateMissionInput {
  return {
    goal: 'plan a 4-day Tokyo/Kyoto trip',
    model: { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true },
    budget: DEFAULT_BUDGET,
    ...over,
  };
}

export function worldEvent(message: string): NewEvent {
  return { type: 'world.event', data: { source: 'api', message } };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
