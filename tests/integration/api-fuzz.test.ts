import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAll, type AllInOneHandle } from '@aime/aime';
import travel from '@aime/plugin-travel';
import { createLogger } from '@aime/service';
import { deleteKeys } from '@aime/testing';
import { REDIS_URL } from '../helpers/stack.ts';

/**
 * Hostile input on every REST body and query and every socket.io message: huge strings, deep
 * nesting, wrong types, odd unicode (lone surrogates, RTL marks, NUL), `__proto__` and
 * `constructor` keys, invalid JSON. The answer is a 4xx with `{ error: { code, message } }`,
 * never a 5xx, the process keeps serving, and a refused request leaves the store's keys (every
 * mission's keys and the indexes) byte for byte as they were. Rate-limit counters are not part
 * of that snapshot: counting refused requests is their job.
 */
const RUNS = 200;
/** One operator key per property: the per-key rate limit (600 a minute) is never the answer. */
const KEYS = Array.from({ length: 10 }, () => `fuzz-${randomUUID()}-${randomUUID()}`);

let app: AllInOneHandle;
let prefix: string;
let redis: Redis;
let missionId: string;

async function call(key: string, method: string, path: string, body?: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined || method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** Every key the store owns under the prefix (missions, their streams and records, indexes), dumped. */
async function snapshot(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      const owned = rest.startsWith('{') || rest.startsWith('missions') || rest.startsWith('approvals:index') || rest.startsWith('feed') || rest.startsWith('finished');
      if (!owned || rest.includes(':lock:')) continue;
      const dump = await redis.dumpBuffer(key);
      if (dump) out.set(key, dump.toString('hex'));
    }
  } while (cursor !== '0');
  return out;
}

async function quiet(): Promise<Map<string, string>> {
  let last = await snapshot();
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await snapshot();
    if (JSON.stringify([...now]) === JSON.stringify([...last])) return now;
    last = now;
  }
  throw new Error('the store never went quiet');
}

function expectRefusedCleanly(status: number, json: unknown, what: string): void {
  expect(status, `${what} answered ${status}: ${JSON.stringify(json)?.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(status, what).toBeLessThan(500);
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  expect(typeof error?.code, `${what}: ${JSON.stringify(json)?.slice(0, 300)}`).toBe('string');
  expect(typeof error?.message, what).toBe('string');
}

// ---- arbitraries --------------------------------------------------------------------------

const oddText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\ud83dz', '\u202eevil\u202c', '\u200f\u200e', '\ufeff', '%00', '../../etc/passwd', '{"a":1}', ''),
  fc.integer({ min: 8_001, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

const nasty = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$where', '');
const key = fc.oneof(fc.string(), nasty, oddText);

const deep = fc.integer({ min: 33, max: 4_000 }).map((n) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { d: v };
  return v;
});

const value: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.anything({ key, maxDepth: 4, withNullPrototype: true }),
  oddText,
  deep,
  fc.double(),
  fc.constantFrom(1e308, -1, 0, Number.MAX_SAFE_INTEGER + 2, true, null),
);

/** A JSON text: mostly a serialised value, sometimes broken JSON or `__proto__` written literally. */
const jsonText = (v: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: v.map((x) => JSON.stringify(x) ?? 'null') },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"polluted":1},"goal":"x"}', '{"constructor":{"prototype":{"p":1}}}', '{', '[]', 'null', '"str"', '{"goal":"a"}{"goal":"b"}') },
  );

/** A mission body that is wrong in at least one way (an accepted one would start real work). */
const badMission = fc.oneof(
  value.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
  fc.record({ goal: value.filter((g) => typeof g !== 'string' || g.length === 0 || g.length > 8_000), context: value }, { requiredKeys: ['goal'] }),
  fc.record({ goal: oddText, context: fc.oneof(deep, value.filter((c) => typeof c !== 'object' || c === null || Array.isArray(c))) }),
  fc.record({ goal: oddText, budget: fc.oneof(value.filter((b) => typeof b !== 'object' || b === null || Array.isArray(b)), fc.record({ maxCostUsd: fc.oneof(fc.constant(1e300), fc.string(), fc.constant(-1)) })) }),
  fc.record({ goal: oddText, metadata: deep }),
);

const idText = fc.oneof(fc.string({ minLength: 1 }), oddText.filter((s) => s.length > 0 && s.length < 5_000), fc.constantFrom('__proto__', 'constructor', '..', '%2e%2e'));
const queryValue = fc.oneof(oddText.map((s) => s.slice(0, 3_000)), fc.integer().map(String), fc.constantFrom('-1', '1e309', 'NaN', '0', '10001', '[]', '{}'));

const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));

// ---- the stack ----------------------------------------------------------------------------

beforeAll(async () => {
  prefix = `test-${randomUUID()}:`;
  redis = new Redis(REDIS_URL);
  app = await startAll({
    redisUrl: REDIS_URL,
    prefix,
    port: 0,
    dashboardDir: null,
    apiKeys: KEYS.map((k) => `${k}:operator`).join(','),
    plugins: [travel],
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const created = await call(KEYS[0]!, 'POST', '/v1/missions', JSON.stringify({ goal: 'Plan a day in Kyoto', context: { travellers: 1 } }));
  expect(created.status).toBe(202);
  missionId = (created.json as { id: string }).id;
  expect((await call(KEYS[0]!, 'POST', `/v1/missions/${missionId}/cancel`)).status).toBe(202);
  await quiet();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await deleteKeys(prefix);
  redis?.disconnect();
});

/** The property for one request: never 5xx; a refusal has the error shape and changes nothing. */
const statuses: Record<string, Record<number, number>> = {};

async function refusedWithoutChange(k: string, method: string, path: string, body: string | undefined, tally = 'other'): Promise<void> {
  const before = await snapshot();
  const { status, json } = await call(k, method, path, body);
  const counts = (statuses[tally] ??= {});
  counts[status] = (counts[status] ?? 0) + 1;
  if (status >= 200 && status < 300) return; // a valid request: allowed to change things
  expectRefusedCleanly(status, json, `${method} ${path.slice(0, 120)}`);
  expect([...(await snapshot())]).toEqual([...before]);
}

describe('the API under hostile input', { timeout: 120_000 }, () => {
  it('refuses every malformed POST /v1/missions body with a 4xx and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText(badMission), async (body) => refusedWithoutChange(KEYS[1]!, 'POST', '/v1/missions', body, 'missions')),
      { numRuns: RUNS },
    );
    // Most refusals come from validation, not from a rate limit: the fuzz reaches the schemas.
    expect(statuses.missions?.[400] ?? 0).toBeGreaterThan(RUNS / 2);
  });

  it('answers POST /v1/missions/:id/events with any body or id with a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(null), idText), jsonText(fc.oneof(value, fc.record({ type: fc.oneof(fc.constant('external'), value), message: value, data: value }))), async (id, body) =>
        refusedWithoutChange(KEYS[2]!, 'POST', `/v1/missions/${id === null ? missionId : enc(id)}/events`, body),
      ),
      { numRuns: RUNS },
    );
  });

  it('answers approval decisions with any body or id with a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(idText, jsonText(fc.oneof(value, fc.record({ decision: fc.oneof(fc.constantFrom('approve', 'reject'), value), note: value }))), async (id, body) =>
        refusedWithoutChange(KEYS[3]!, 'POST', `/v1/approvals/${enc(id)}`, body),
      ),
      { numRuns: RUNS },
    );
  });

  it('answers pause, resume and cancel with any body or id with a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('pause', 'resume', 'cancel'), fc.oneof(fc.constant(null), idText), fc.option(jsonText(value), { nil: undefined }), async (action, id, body) =>
        refusedWithoutChange(KEYS[4]!, 'POST', `/v1/missions/${id === null ? missionId : enc(id)}/${action}`, body),
      ),
      { numRuns: RUNS },
    );
  });

  it('answers GET list and event queries with 200 or a 4xx, never a 5xx, and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/missions', `/v1/missions/{id}/events`, '/v1/missions/{id}/approvals', '/v1/missions/{id}'),
        fc.dictionary(fc.oneof(fc.constantFrom('status', 'limit', 'cursor', 'after', '__proto__', 'constructor'), fc.string()), fc.oneof(queryValue, fc.array(queryValue, { maxLength: 3 }))),
        fc.oneof(fc.constant(null), idText),
        async (route, query, id) => {
          const qs = Object.entries(query)
            .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(x)}`))
            .join('&');
          const path = `${route.replace('{id}', id === null ? missionId : enc(id))}?${qs}`;
          const before = await snapshot();
          const { status, json } = await call(KEYS[5]!, 'GET', path);
          if (status !== 200) expectRefusedCleanly(status, json, `GET ${path.slice(0, 120)}`);
          expect([...(await snapshot())]).toEqual([...before]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses a body far over the size limit with 413, and JSON nested deeper than 32 (up to 6000) with a 4xx', async () => {
    const big = await call(KEYS[6]!, 'POST', '/v1/missions', JSON.stringify({ goal: 'x', context: { blob: 'y'.repeat(8 * 1024 * 1024) } }));
    expectRefusedCleanly(big.status, big.json, 'huge body');
    expect(big.status).toBe(413);
    let nested: unknown = 1;
    for (let i = 0; i < 40; i++) nested = { n: nested };
    const deepBody = await call(KEYS[6]!, 'POST', '/v1/missions', JSON.stringify({ goal: 'x', context: nested }));
    expectRefusedCleanly(deepBody.status, deepBody.json, 'deep body');
    expect(deepBody.status).toBe(400);
    // The 500: a context 6000 deep (written by hand, JSON.stringify would overflow first).
    const text = `{"goal":"x","context":${'{"n":'.repeat(6_000)}1${'}'.repeat(6_000)}}`;
    const deeper = await call(KEYS[6]!, 'POST', '/v1/missions', text);
    expectRefusedCleanly(deeper.status, deeper.json, 'context 6000 deep');
    const events = await call(KEYS[6]!, 'POST', `/v1/missions/${missionId}/events`, `{"type":"external","message":"m","data":${'['.repeat(6_000)}${']'.repeat(6_000)}}`);
    expectRefusedCleanly(events.status, events.json, 'event data 6000 deep');
  });

  it('survives any subscribe and unsubscribe payload on socket.io: an ack (error or ok) or a dropped connection, the store unchanged, the server alive', async () => {
    let socket: Socket | undefined;
    const open = async (): Promise<Socket> => {
      if (socket?.connected) return socket;
      socket?.disconnect();
      const s = connect(app.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: KEYS[7]! } });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      socket = s;
      return s;
    };
    const outcomes: Record<string, number> = {};
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('subscribe', 'unsubscribe'),
          fc.oneof(value, fc.record({ missionId: fc.oneof(idText, value), after: fc.oneof(queryValue, value) }, { requiredKeys: [] })),
          async (event, payload) => {
            const s = await open();
            const before = await snapshot();
            const outcome = await new Promise<string>((resolve) => {
              const timer = setTimeout(() => resolve(s.connected ? 'silent' : 'dropped'), 3_000);
              s.once('disconnect', () => {
                clearTimeout(timer);
                resolve('dropped');
              });
              s.emit(event as 'subscribe', payload as never, (res: unknown) => {
                clearTimeout(timer);
                const r = res as { ok?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
                if (r?.ok === true) return resolve('ok');
                resolve(typeof r?.error?.code === 'string' && typeof r.error.message === 'string' ? 'error' : `bad ack ${JSON.stringify(res)}`);
              });
            });
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
            // The server answers every message it can read; one it cannot parse drops the connection.
            expect(outcome).toMatch(/^(ok|error|dropped)$/);
            expect([...(await snapshot())]).toEqual([...before]);
          },
        ),
        { numRuns: RUNS },
      );
    } finally {
      socket?.disconnect();
    }
    expect(outcomes.error ?? 0).toBeGreaterThan(RUNS / 4);
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('keeps serving after all of it: the mission is intact and readable', async () => {
    const res = await call(KEYS[8]!, 'GET', `/v1/missions/${missionId}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: missionId, status: 'cancelled' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
