// Issue 9 item 4: budgets above the ceilings, deep JSON and oversize fields are refused
// with a 400 naming the field, before anything is written to Redis.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { apiLimitsFromEnv, DEFAULT_API_LIMITS, jsonDepth } from '../src/api/index.ts';
import { createMission, KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

/** Every key under the harness prefix except the rate-limit counters, which count refused requests too. */
async function storedKeys(prefix: string): Promise<string[]> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${prefix}*`);
    return keys.filter((k) => !k.startsWith(`${prefix}ratelimit:`)).sort();
  } finally {
    redis.disconnect();
  }
}

async function postRaw(path: string, body: string): Promise<{ status: number; body: ErrorBody }> {
  const res = await h.call(path, { method: 'POST', key: KEYS.alice, headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

describe('budget ceilings', () => {
  it('refuses maxCostUsd 1e300 with 400 naming the field and the ceiling, and creates nothing', async () => {
    h = await startApi();
    const before = await storedKeys(h.store.prefix);
    const res = await postRaw('/v1/missions', JSON.stringify({ goal: 'g', budget: { maxCostUsd: 1e300 } }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toBe('budget.maxCostUsd must be at most 100, got 1e+300');
    expect(res.body.error.details?.[0]?.path).toBe('budget.maxCostUsd');
    expect(await storedKeys(h.store.prefix)).toEqual(before);
    expect(h.wakes).toEqual([]);
  });

  it('refuses a budget number that overflows to Infinity, naming the field', async () => {
    h = await startApi();
    const res = await postRaw('/v1/missions', '{"goal":"g","budget":{"maxCostUsd":1e999}}');
    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain('budget.maxCostUsd');
  });

  it('applies the operator ceilings to given budgets and lowers defaults above them', async () => {
    const limits = apiLimitsFromEnv({ AIME_MAX_BUDGET_COST_USD: '2', AIME_MAX_BUDGET_PLANNER_STEPS: '10' });
    h = await startApi({ limits });
    const over = await postRaw('/v1/missions', JSON.stringify({ goal: 'g', budget: { maxPlannerSteps: 11 } }));
    expect(over.status).toBe(400);
    expect(over.body.error.message).toBe('budget.maxPlannerSteps must be at most 10, got 11');
    const id = await createMission(h, KEYS.alice, { goal: 'g', budget: { maxPlannerSteps: 10 } });
    const mission = await h.store.getMission(id);
    expect(mission?.budget.maxPlannerSteps).toBe(10);
    expect(mission?.budget.maxCostUsd).toBe(2);
  });

  it('refuses a bad ceiling variable at start with a message naming it', () => {
    expect(() => apiLimitsFromEnv({ AIME_MAX_BUDGET_COST_USD: 'lots' })).toThrow(/AIME_MAX_BUDGET_COST_USD must be a positive number/);
    expect(() => apiLimitsFromEnv({ AIME_MAX_BUDGET_TOKENS: '1.5' })).toThrow(/AIME_MAX_BUDGET_TOKENS must be a positive integer/);
    expect(() => apiLimitsFromEnv({ AIME_MAX_BUDGET_PARALLEL_ACTORS: '100' })).toThrow(/AIME_MAX_BUDGET_PARALLEL_ACTORS .*up to 64/);
    expect(() => apiLimitsFromEnv({ AIME_MAX_MISSIONS_PER_MINUTE: '0' })).toThrow(/AIME_MAX_MISSIONS_PER_MINUTE/);
    expect(apiLimitsFromEnv({})).toEqual(DEFAULT_API_LIMITS);
  });
});

describe('JSON depth', () => {
  it.each([3000, 100_000])('refuses a context nested %i deep with 400 and creates nothing', async (depth) => {
    h = await startApi();
    const before = await storedKeys(h.store.prefix);
    const res = await postRaw('/v1/missions', `{"goal":"g","context":{"a":${nested(depth)}}}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/nested deeper than 32 levels/);
    expect(await storedKeys(h.store.prefix)).toEqual(before);
    // The process keeps serving.
    expect((await h.call('/healthz')).status).toBe(200);
  });

  it('accepts 32 levels, refuses 33, and ignores brackets inside strings', async () => {
    h = await startApi();
    // The body object is level 1 and context level 2: 30 more arrays make 32.
    await createMission(h, KEYS.alice, { goal: 'g', context: { a: JSON.parse(nested(30)) as unknown, s: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' } });
    const res = await postRaw('/v1/missions', `{"goal":"g","context":{"a":${nested(31)}}}`);
    expect(res.status).toBe(400);
    expect(jsonDepth('{"s":"\\"[[[["}', 32)).toBe(1);
  });

  it('refuses deep data on POST /v1/missions/:id/events too', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    const res = await postRaw(`/v1/missions/${id}/events`, `{"type":"external","message":"m","data":{"x":${nested(40)}}}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe('body');
  });
});

describe('field sizes', () => {
  it.each([
    ['metadata over 8 KB', { goal: 'g', metadata: { note: 'x'.repeat(9000) } }, 'metadata'],
    ['context over 64 KB', { goal: 'g', context: { blob: 'x'.repeat(70_000) } }, 'context'],
    ['a goal over 8000 characters', { goal: 'x'.repeat(8001) }, 'goal'],
  ])('refuses %s with 400 naming the field', async (_name, body, path) => {
    h = await startApi();
    const before = await storedKeys(h.store.prefix);
    const res = await postRaw('/v1/missions', JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect(res.body.error.message).toMatch(/size limit/);
    expect(await storedKeys(h.store.prefix)).toEqual(before);
  });

  it('refuses an event whose data is over 64 KB, naming data', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    const res = await postRaw(`/v1/missions/${id}/events`, JSON.stringify({ type: 'external', message: 'm', data: { blob: 'x'.repeat(70_000) } }));
    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toContain('data');
  });
});

describe('prototype keys', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('a %s key in a body pollutes nothing', async (key) => {
    h = await startApi();
    const body = `{"goal":"g","context":{"${key}":{"polluted":true,"prototype":{"polluted":true}}},"metadata":{"${key}":{"polluted":true}}}`;
    const res = await postRaw('/v1/missions', body);
    expect(res.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    if (res.status === 202) {
      const id = (res.body as unknown as { id: string }).id;
      const mission = await h.store.getMission(id);
      expect(Object.getPrototypeOf(mission?.context)).toBe(Object.prototype);
      expect((mission?.context as Record<string, unknown>).polluted).toBeUndefined();
    } else {
      expect(res.status).toBe(400);
    }
  });
});
