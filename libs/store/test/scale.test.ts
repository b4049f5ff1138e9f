import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MissionStore } from '../src/index.ts';
import { fixture, missionInput, REDIS_URL } from './helpers.ts';
import type { Fixture } from './helpers.ts';

const OTHERS = 10_000;

/** Every command Redis runs on a key under `prefix` while `fn` runs, seen through MONITOR. */
export async function commandsDuring(prefix: string, fn: () => Promise<unknown>): Promise<string[][]> {
  const monitor = await new Redis(REDIS_URL).monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((a) => a.startsWith(prefix))) seen.push(args);
  });
  try {
    await fn();
    // A marker command, so every command of `fn` has surely been reported before we stop.
    const marker = `${prefix}marker`;
    const done = new Promise<void>((resolve) => {
      monitor.on('monitor', (_t: string, args: string[]) => {
        if (args.includes(marker)) resolve();
      });
    });
    const probe = new Redis(REDIS_URL);
    await probe.exists(marker);
    await done;
    await probe.quit();
    return seen.filter((args) => !args.includes(marker));
  } finally {
    monitor.disconnect();
  }
}

async function createMany(store: MissionStore, n: number, owner: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const batch = await Promise.all(Array.from({ length: Math.min(500, n - i) }, () => store.createMission(missionInput({ owner }))));
    ids.push(...batch.map((b) => b.mission.id));
  }
  return ids;
}

describe('listing a store of 10,000 missions', () => {
  let f: Fixture;
  let mine: string[];
  beforeAll(async () => {
    f = fixture();
    // Mine are the oldest: a listing that filtered a global index would read all 10,000 others first.
    mine = await createMany(f.store, 30, 'me');
    await createMany(f.store, OTHERS, 'someone-else');
  }, 120_000);
  afterAll(async () => {
    await f.cleanup();
  }, 60_000);

  it('reads about one page of records for one owner, not every mission', async () => {
    let page: { items: { id: string }[] } = { items: [] };
    const commands = await commandsDuring(f.prefix, async () => {
      page = await f.store.listMissions({ owner: 'me', limit: 20 });
    });
    expect(page.items).toHaveLength(20);
    for (const m of page.items) expect(mine).toContain(m.id);
    const recordsRead = commands.filter(([cmd, key]) => cmd?.toLowerCase() === 'hgetall' && key?.endsWith(':mission'));
    expect(recordsRead.length).toBeLessThanOrEqual(21);
    expect(commands.length).toBeLessThanOrEqual(60);
  });

  it('reads about one page of records for one status', async () => {
    await f.store.setMissionStatus(mine[0]!, 'running');
    let page: { items: { id: string }[] } = { items: [] };
    const commands = await commandsDuring(f.prefix, async () => {
      page = await f.store.listMissions({ status: 'running', limit: 20 });
    });
    expect(page.items.map((m) => m.id)).toEqual([mine[0]]);
    expect(commands.length).toBeLessThanOrEqual(10);
  });
});
