// Shared setup of the api-*/gateway-* tests: a real Redis store under a random prefix,
// the real API on 127.0.0.1:0, and a `wake` that records its calls.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { ModelInfo } from '@aime/protocol';
import { createMissionStore, type MissionStore } from '@aime/store';
import { buildApi, createAuth, type ApiDeps, type AuthConfig, type AuthOptions } from '../src/api/index.ts';

export const KEYS = { operator: 'operator-secret-key-0001', alice: 'alice-secret-key-0001', bob: 'bob-secret-key-000001' } as const;
export const API_KEYS = `${KEYS.operator}:operator,${KEYS.alice}:caller,${KEYS.bob}:caller`;
export const MODEL: ModelInfo = { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true };
export const silent = pino({ level: 'silent' });

export interface Harness {
  store: MissionStore;
  app: FastifyInstance;
  base: string;
  wakes: Array<{ missionId: string; reason: string }>;
  auth: AuthConfig;
  /** fetch against the API with an optional key. */
  call(path: string, init?: RequestInit & { key?: string; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export function newPrefix(): string {
  return `test-${randomUUID()}:`;
}

/** Deletes every key under `prefix`. */
export async function cleanPrefix(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Options of {@link startApi}: ApiDeps overrides, the auth options (keys default to {@link API_KEYS}), and whether to listen. */
export type ApiOverrides = Partial<ApiDeps> & Omit<AuthOptions, 'apiKeys'> & { apiKeys?: string | undefined; listen?: boolean };

export async function startApi(overrides: ApiOverrides = {}): Promise<Harness> {
  const prefix = newPrefix();
  const store = overrides.store ?? createMissionStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
  const wakes: Harness['wakes'] = [];
  const { insecureLoopback, callersMayApprove, operatorToken, maxFailuresPerMinute, ...deps } = overrides;
  const auth =
    overrides.auth ??
    createAuth({ apiKeys: 'apiKeys' in overrides ? overrides.apiKeys : API_KEYS, insecureLoopback, callersMayApprove, operatorToken, maxFailuresPerMinute });
  const app = await buildApi({
    store,
    wake: async (missionId, reason) => {
      wakes.push({ missionId, reason });
    },
    modelInfo: MODEL,
    logger: silent,
    readiness: async () => ({ redis: true, workers: true }),
    metrics: new Registry(),
    ...deps,
    auth,
  });
  let base = '';
  if (overrides.listen !== false) base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    store,
    app,
    base,
    wakes,
    auth,
    async call(path, init = {}) {
      const { key, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      // As a well-behaved client: state-changing requests declare JSON even without a body.
      else if (rest.method && !['GET', 'HEAD'].includes(rest.method) && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(base + path, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    },
    async close() {
      await app.close();
      await store.close();
      await cleanPrefix(prefix);
    },
  };
}

/** Creates a mission through the API as `key`; returns its id. */
export async function createMission(h: Harness, key: string, body: Record<string, unknown> = { goal: 'plan a trip' }): Promise<string> {
  const res = await h.call('/v1/missions', { method: 'POST', key, json: body });
  if (res.status !== 202) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
