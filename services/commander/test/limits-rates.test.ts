// Issue 9 item 4: missions per caller (in flight and per minute), the request rate limit
// shared by commander replicas through Redis, and the refusals counted in /metrics.
import { afterEach, describe, expect, it } from 'vitest';
import { createMissionStore } from '@aime/store';
import { apiLimitsFromEnv } from '../src/api/index.ts';
import { cleanPrefix, createMission, KEYS, newPrefix, startApi, type Harness } from './api-harness.ts';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function start(...args: Parameters<typeof startApi>): Promise<Harness> {
  const h = await startApi(...args);
  harnesses.push(h);
  return h;
}

async function metric(h: Harness, name: string): Promise<string[]> {
  const text = await (await h.call('/metrics', { key: KEYS.operator })).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('missions in flight per caller', () => {
  it('answers 429 to the 21st mission in flight of a caller, with Retry-After, and not to another caller', async () => {
    const h = await start();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await createMission(h, KEYS.alice, { goal: `trip ${i}` }));
    const res = await h.call('/v1/missions', { method: 'POST', key: KEYS.alice, json: { goal: 'one more' } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_missions');
    expect(body.error.message).toMatch(/at most 20 per caller/);
    expect((await h.store.listMissions({ limit: 100 })).items).toHaveLength(20);
    await createMission(h, KEYS.bob);

    // A finished mission frees its slot.
    await h.store.setMissionStatus(ids[0] as string, 'cancelled');
    await createMission(h, KEYS.alice, { goal: 'now it fits' });
    expect(await metric(h, 'aime_missions_in_flight')).toContain('aime_missions_in_flight 21');
    expect(await metric(h, 'aime_api_refusals_total{reason="missions"}')).toEqual(['aime_api_refusals_total{reason="missions"} 1']);
  });

  it('answers 429 once a caller created its missions of the minute', async () => {
    const h = await start({ limits: apiLimitsFromEnv({ AIME_MAX_MISSIONS_PER_MINUTE: '2' }) });
    await createMission(h, KEYS.alice);
    await createMission(h, KEYS.alice);
    const res = await h.call('/v1/missions', { method: 'POST', key: KEYS.alice, json: { goal: 'third' } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/at most 2 created a minute/);
    await createMission(h, KEYS.bob);
  });
});

describe('request rate limit', () => {
  it('holds across two commander instances sharing one Redis prefix', async () => {
    const prefix = newPrefix();
    const storeA = createMissionStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
    const storeB = createMissionStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
    try {
      const a = await start({ store: storeA, rateLimitPerMinute: 4 });
      const b = await start({ store: storeB, rateLimitPerMinute: 4 });
      expect((await a.call('/v1/tools', { key: KEYS.alice })).status).toBe(200);
      expect((await b.call('/v1/tools', { key: KEYS.alice })).status).toBe(200);
      expect((await a.call('/v1/tools', { key: KEYS.alice })).status).toBe(200);
      expect((await b.call('/v1/tools', { key: KEYS.alice })).status).toBe(200);
      // Each instance alone has seen 2 of 4; together they have seen 4.
      const limited = await a.call('/v1/tools', { key: KEYS.alice });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/at most 4 a minute; retry in \d+ s/) } });
      expect((await b.call('/v1/tools', { key: KEYS.alice })).status).toBe(429);
      expect((await b.call('/v1/tools', { key: KEYS.bob })).status).toBe(200);
      expect(await metric(a, 'aime_api_refusals_total{reason="rate"}')).toEqual(['aime_api_refusals_total{reason="rate"} 1']);
    } finally {
      await cleanPrefix(prefix);
    }
  });
});

describe('/metrics', () => {
  it('counts refusals by reason: ceiling, depth and size', async () => {
    const h = await start();
    const post = (body: string) => h.call('/v1/missions', { method: 'POST', key: KEYS.alice, headers: { 'content-type': 'application/json' }, body });
    expect((await post(JSON.stringify({ goal: 'g', budget: { maxTokens: 1e12 } }))).status).toBe(400);
    expect((await post(`{"goal":"g","context":{"a":${'['.repeat(50)}${']'.repeat(50)}}}`)).status).toBe(400);
    expect((await post(JSON.stringify({ goal: 'g', metadata: { x: 'y'.repeat(9000) } }))).status).toBe(400);
    expect((await post(JSON.stringify({ goal: '' }))).status).toBe(400);
    const lines = await metric(h, 'aime_api_refusals_total');
    expect(lines).toEqual(
      expect.arrayContaining([
        'aime_api_refusals_total{reason="ceiling"} 1',
        'aime_api_refusals_total{reason="depth"} 1',
        'aime_api_refusals_total{reason="size"} 1',
        'aime_api_refusals_total{reason="rate"} 0',
        'aime_api_refusals_total{reason="missions"} 0',
      ]),
    );
  });
});
