import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET } from '@aime/protocol';
import { createMissionStore, type MissionStore } from '@aime/store';
import { reapIdleMissions } from '../src/planner/reaper.ts';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const model = { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true };
const FINISHED = 10_000;

/** Every command Redis runs on a key under `prefix` while `fn` runs, seen through MONITOR. */
async function commandsDuring(prefix: string, fn: () => Promise<unknown>): Promise<string[][]> {
  const monitor = await new Redis(REDIS).monitor();
  const seen: string[][] = [];
  const marker = `${prefix}marker`;
  const done = new Promise<void>((resolve) => {
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.includes(marker)) resolve();
      else if (args.some((a) => a.startsWith(prefix))) seen.push(args);
    });
  });
  try {
    await fn();
    // Redis reports commands in order: once the marker is seen, every command of `fn` was.
    const probe = new Redis(REDIS);
    await probe.exists(marker);
    await done;
    await probe.quit();
    return seen;
  } finally {
    monitor.disconnect();
  }
}

describe('the reaper over a store of 10,000 finished missions', () => {
  const prefix = `test-${randomUUID()}:`;
  let store: MissionStore;
  const active: string[] = [];
  beforeAll(async () => {
    store = createMissionStore({ redis: REDIS, prefix });
    for (let i = 0; i < FINISHED; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, FINISHED - i) }, async () => {
          const { mission } = await store.createMission({ goal: 'done long ago', model, budget: DEFAULT_BUDGET });
          await store.setMissionStatus(mission.id, 'succeeded', { result: { answer: 'ok', artifacts: [] } });
        }),
      );
    }
    for (const status of ['queued', 'planning', 'running'] as const) {
      const { mission } = await store.createMission({ goal: `still ${status}`, model, budget: DEFAULT_BUDGET });
      if (status !== 'queued') await store.setMissionStatus(mission.id, status);
      active.push(mission.id);
    }
  }, 180_000);
  afterAll(async () => {
    const redis = new Redis(REDIS);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.quit();
    await store.close();
  }, 60_000);

  it('wakes every idle active mission and reads only those, through the status indexes', async () => {
    const woken: string[] = [];
    const later = Date.now() + 120_000;
    const commands = await commandsDuring(prefix, () =>
      reapIdleMissions(
        store,
        async (id) => {
          woken.push(id);
        },
        60_000,
        () => later,
      ),
    );
    expect(woken.sort()).toEqual([...active].sort());
    // Per status: one index read and one status check; per active mission: its last event id.
    expect(commands.length).toBeLessThanOrEqual(20);
    expect(commands.filter(([cmd]) => cmd?.toLowerCase() === 'hgetall')).toEqual([]);
  });

  it('leaves a mission with a recent event alone', async () => {
    const woken: string[] = [];
    await reapIdleMissions(store, async (id) => {
      woken.push(id);
    }, 60_000);
    expect(woken).toEqual([]);
  });
});
