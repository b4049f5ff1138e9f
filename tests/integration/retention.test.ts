import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let redis: Redis;
beforeAll(async () => {
  stack = await startStack();
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  await stack?.close();
  redis?.disconnect();
});

async function keysOf(prefix: string, missionId: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys.filter((k) => k.includes(`{${missionId}}`)));
  } while (cursor !== '0');
  return out;
}

describe('a finished reference mission', () => {
  it('leaves no key of its own without a TTL within the retention: store, transcripts, artifacts, travel world', async () => {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    expect(mission.status).toBe('succeeded');

    const keys = await keysOf(stack.prefix, id);
    // The travel world's bookings and the actors' transcripts are among them.
    expect(keys.some((k) => k.includes(`travel:{${id}}:bookings`))).toBe(true);
    expect(keys.some((k) => k.includes(':transcript:'))).toBe(true);
    const retention = stack.store.retentionMs;
    const forever: string[] = [];
    for (const k of keys) {
      const ttl = await redis.pttl(k);
      // -2: gone meanwhile (a lock released); anything else must expire within the retention.
      if (ttl === -2) continue;
      if (ttl < 0 || ttl > retention) forever.push(`${k} (${ttl})`);
    }
    expect(forever).toEqual([]);
    // Listed where its owner and status say.
    expect((await stack.store.listMissions({ status: 'succeeded', limit: 5 })).items.map((m) => m.id)).toContain(id);
  }, 120_000);
});
