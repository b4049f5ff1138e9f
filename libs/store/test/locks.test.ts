import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, missionInput, sleep } from './helpers.ts';
import type { Fixture } from './helpers.ts';

describe('locks with fencing', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('gives the lock to one holder at a time', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const a = await f.store.acquireLock(mission.id, 'planner', 'worker-a', 10_000);
    expect(a).toMatchObject({ missionId: mission.id, name: 'planner', holder: 'worker-a', key: `${f.prefix}{${mission.id}}:lock:planner` });
    expect(await f.store.acquireLock(mission.id, 'planner', 'worker-b', 10_000)).toBeNull();
    // Another lock name of the same mission is independent.
    expect(await f.store.acquireLock(mission.id, 'reaper', 'worker-b', 10_000)).not.toBeNull();
    expect(await f.store.releaseLock(a!)).toBe(true);
    const b = await f.store.acquireLock(mission.id, 'planner', 'worker-b', 10_000);
    expect(b).not.toBeNull();
    expect(b!.token).toBeGreaterThan(a!.token);
  });

  it('lets exactly one of many concurrent acquirers win', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const stores = [f.store, f.other(), f.other()];
    const leases = await Promise.all(Array.from({ length: 15 }, (_, i) => (stores[i % 3] ?? f.store).acquireLock(mission.id, 'planner', `w${i}`, 10_000)));
    expect(leases.filter((l) => l !== null)).toHaveLength(1);
  });

  it('refuses release and renew to a holder whose lease expired and was taken over', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const first = await f.store.acquireLock(mission.id, 'planner', 'worker-a', 50);
    expect(first).not.toBeNull();
    await sleep(120);
    const second = await f.other().acquireLock(mission.id, 'planner', 'worker-b', 10_000);
    expect(second).not.toBeNull();
    expect(second!.token).toBeGreaterThan(first!.token);

    expect(await f.store.releaseLock(first!)).toBe(false);
    expect(await f.store.renewLock(first!, 10_000)).toBeNull();
    // The second holder still holds it: nobody else can take it, and it can renew and release.
    expect(await f.store.acquireLock(mission.id, 'planner', 'worker-c', 10_000)).toBeNull();
    expect(await f.redis.get(second!.key)).toBe(`worker-b:${second!.token}`);
    expect(await f.store.renewLock(second!, 10_000)).not.toBeNull();
    expect(await f.store.releaseLock(second!)).toBe(true);
  });

  it('refuses release to the same holder name with an older token', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const old = await f.store.acquireLock(mission.id, 'planner', 'worker-a', 50);
    await sleep(120);
    const fresh = await f.store.acquireLock(mission.id, 'planner', 'worker-a', 10_000);
    expect(await f.store.releaseLock(old!)).toBe(false);
    expect(await f.store.releaseLock(fresh!)).toBe(true);
  });

  it('keeps a renewed lock past its first ttl', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const lease = await f.store.acquireLock(mission.id, 'planner', 'worker-a', 500);
    const renewed = await f.store.renewLock(lease!, 10_000);
    expect(renewed).not.toBeNull();
    expect(renewed!.token).toBe(lease!.token);
    expect(await f.redis.pttl(lease!.key)).toBeGreaterThan(500);
    await sleep(600);
    expect(await f.store.acquireLock(mission.id, 'planner', 'worker-b', 10_000)).toBeNull();
  });

  it('rejects a non-positive ttl', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await expect(f.store.acquireLock(mission.id, 'planner', 'w', 0)).rejects.toMatchObject({ code: 'invalid' });
  });
});
