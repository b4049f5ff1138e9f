import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDisruption } from '@aime/plugin-travel';
import { createHarness, missionId, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const TRAIN = 'NOZOMI-0900-2026-12-02';

describe("the world's keys expire with their mission", () => {
  it("registers every key a booking or a disruption writes in the mission store's owned-keys set", async () => {
    const m = missionId();
    await h.ok('book_train', { trainId: TRAIN, passengers: 1 }, h.ctx(m));
    await applyDisruption(h.world, m, { kind: 'sell_out_train', trainId: TRAIN });
    const owned = new Set(await h.redis.smembers(`${h.keyPrefix}{${m}}:owned`));
    const written = [];
    let cursor = '0';
    do {
      const [next, keys] = await h.redis.scan(cursor, 'MATCH', `${h.keyPrefix}travel:{${m}}:*`, 'COUNT', 500);
      cursor = next;
      written.push(...keys);
    } while (cursor !== '0');
    expect(written.length).toBeGreaterThanOrEqual(5);
    for (const key of written) expect(owned.has(key), key).toBe(true);
  });

  it('gives a key written after the mission finished the TTL the store set on the owned set', async () => {
    const m = missionId();
    const ownedKey = `${h.keyPrefix}{${m}}:owned`;
    // What the store's final-status script does when the mission finishes.
    await h.redis.sadd(ownedKey, `${h.keyPrefix}{${m}}:mission`);
    await h.redis.pexpire(ownedKey, 60_000);

    await h.ok('book_train', { trainId: TRAIN, passengers: 1 }, h.ctx(m));
    const ttl = await h.redis.pttl(h.world.key(m, 'bookings'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
