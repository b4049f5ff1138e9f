import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { deleteKeys } from '@aime/testing';
import { startAll, type AllInOneHandle } from '@aime/aime';
import type { AimeConfig } from '@aime/actors';
import type { ModelsConfig } from '@aime/models';
import type { PluginDefinition } from '@aime/plugin-sdk';
import type { Event, Mission } from '@aime/protocol';
import { createRedis, deleteKeysMatching, type MissionStore, type RedisTarget } from '@aime/store';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const REFERENCE_GOAL =
  'Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people under ¥300,000, taking the Shinkansen from Tokyo to Kyoto on day 2';
export const REFERENCE_CONTEXT = { tripBudget: { amount: 300_000, currency: 'JPY' } };
/** The train the simulated planner's actors choose first for the reference trip. */
export const FIRST_SHINKANSEN = 'NOZOMI-0900-2026-12-02';

export interface TestStack extends Omit<AllInOneHandle, 'models'> {
  prefix: string;
  /** The operator token the commander generated (no API keys are configured in tests); `api` sends it. */
  token: string;
  store: MissionStore;
  api<T = unknown>(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: T }>;
  submit(body: Record<string, unknown>): Promise<string>;
  events(missionId: string): Promise<Event[]>;
  waitForEvent(missionId: string, match: (e: Event) => boolean, timeoutMs?: number): Promise<Event>;
  waitForStatus(missionId: string, statuses: Mission['status'][], timeoutMs?: number): Promise<Mission>;
}

/** The whole stack in this process on a fresh key prefix, against the real Redis, with the sim model over HTTP. */
export async function startStack(
  opts: {
    actorConcurrency?: number;
    /** Built dashboard to serve at `/`. @default null */ dashboardDir?: string | null;
    /** The actor worker's plugins. @default the all-in-one's (travel) */ plugins?: PluginDefinition[];
    /** The models (e.g. `openai:` against a quirky sim). @default the sim, started by the all-in-one */ models?: ModelsConfig;
    /** Latency of that sim per request. @default 0 */ simLatencyMs?: number;
    /** The Redis to run on, e.g. a local cluster's seed list with `cluster: true`. @default REDIS_URL */ redis?: RedisTarget;
    /** Where the actor worker's plugins (and approval policy) come from when `plugins` is omitted. @default the all-in-one's */ config?: AimeConfig;
  } = {},
): Promise<TestStack> {
  const prefix = `test-${randomUUID()}:`;
  const app = await startAll({
    redisUrl: opts.redis?.url ?? REDIS_URL,
    redisCluster: opts.redis?.cluster ?? false,
    prefix,
    port: 0,
    dashboardDir: opts.dashboardDir ?? null,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...(opts.actorConcurrency ? { actorConcurrency: opts.actorConcurrency } : {}),
    ...(opts.plugins ? { plugins: opts.plugins } : {}),
    ...(opts.models ? { models: opts.models } : {}),
    ...(opts.simLatencyMs ? { simLatencyMs: opts.simLatencyMs } : {}),
    ...(opts.config ? { config: opts.config } : {}),
  });
  return withHelpers(app, prefix, opts.redis);
}

/** The test helpers over a running stack on `prefix` (the all-in-one, or services a test composed itself); `close` also deletes the prefix. */
export function withHelpers(app: Omit<AllInOneHandle, 'models'>, prefix: string, redis?: RedisTarget): TestStack {
  const store = app.commander.store;
  // The stacks run in the default mode: no API keys, so the commander generated an operator token.
  const token = app.commander.operatorToken;
  if (!token) throw new Error('the test stack expects the generated operator token (no AIME_API_KEYS)');
  const api: TestStack['api'] = async (path, init = {}) => {
    const method = init.method ?? (init.body ? 'POST' : 'GET');
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        // State-changing requests need a JSON content type, with or without a body.
        ...(init.body !== undefined || method !== 'GET' ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
  };
  const events = (missionId: string) => store.readEvents(missionId, { limit: 100_000 });
  return {
    ...app,
    prefix,
    token,
    store,
    api,
    events,
    async submit(body) {
      const res = await api<{ id: string }>('/v1/missions', { body });
      if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.id;
    },
    async waitForEvent(missionId, match, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      let after: string | undefined;
      while (Date.now() < until) {
        const batch = await store.tailEvents(missionId, { ...(after ? { after } : { after: '0-0' }), blockMs: 500 });
        for (const e of batch) {
          if (match(e)) return e;
          after = e.id;
        }
      }
      throw new Error(`no matching event in mission ${missionId} within ${timeoutMs} ms`);
    },
    async waitForStatus(missionId, statuses, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      let last: Mission | null = null;
      while (Date.now() < until) {
        const res = await api<Mission>(`/v1/missions/${missionId}`);
        last = res.body;
        if (statuses.includes(last.status)) return last;
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new Error(`mission ${missionId} is ${last?.status}, not ${statuses.join('|')}, after ${timeoutMs} ms; error: ${JSON.stringify(last?.error)}`);
    },
    async close() {
      await app.close();
      if (redis) await deleteOn(redis, prefix);
      else await deletePrefix(prefix);
    },
  };
}

/** Removes every key under a test's prefix (store, BullMQ, plugin state). */
export const deletePrefix = deleteKeys;

/** Removes every key of a test's prefix on `target` (every primary of a cluster); BullMQ's per-queue tags on a cluster start with `{<prefix>`. */
async function deleteOn(target: RedisTarget, prefix: string): Promise<void> {
  const redis = createRedis(target);
  try {
    await deleteKeysMatching(redis, `${prefix}*`);
    await deleteKeysMatching(redis, `{${prefix}*`);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** Intervals [first step, report] per actor, from a mission's events. */
export function actorIntervals(events: Event[]): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  events.forEach((e, i) => {
    if (!e.actorId) return;
    if (e.type === 'actor.step' || e.type === 'actor.progress' || e.type === 'actor.reported') {
      const cur = out.get(e.actorId) ?? { start: i, end: i };
      cur.end = i;
      out.set(e.actorId, cur);
    }
  });
  return out;
}

export function maxConcurrentActors(events: Event[]): number {
  const iv = [...actorIntervals(events).values()];
  let best = 0;
  for (const a of iv) best = Math.max(best, iv.filter((b) => b.start <= a.start && a.start <= b.end).length);
  return best;
}
