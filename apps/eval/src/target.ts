import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ensureRedis, startAll } from '@aime/aime';
import { describeModelsConfig, modelInfo, type ModelsConfig } from '@aime/models';
import { builtinPlugin } from '@aime/plugin-builtin';
import { createTravelPlugin, TravelWorld } from '@aime/plugin-travel';
import type { WorldReader } from './checks.ts';
import { createApiClient, type ApiClient } from './client.ts';
import { SkipCheck } from './errors.ts';

/** Where the goals run: a client of the API, a reader of the travel world, and what models answer. */
export interface EvalTarget {
  client: ApiClient;
  world(missionId: string): WorldReader;
  /** e.g. `planner=sim factory=sim actor=sim` or `openai:gpt-4o-mini`. */
  models: string;
  simulated: boolean;
  close(): Promise<void>;
}

/** Options of `startInProcess`. */
export interface InProcessOptions {
  /** @default REDIS_URL, else 127.0.0.1:6379, else a redis-server started here */
  redisUrl?: string;
  models: ModelsConfig;
  /** Travel tools that need an approval before each call. */
  requireApproval: string[];
  /** Actor jobs run at once. */
  actorConcurrency: number;
  logger: Logger;
}

/** Deletes every key under a prefix, in pages (never KEYS, which blocks Redis). */
async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * The whole stack in this process on a fresh random key prefix (deleted on close), with the
 * travel and built-in plugins; the sim model server is started when the models are simulated.
 */
export async function startInProcess(opts: InProcessOptions): Promise<EvalTarget> {
  const redis = await ensureRedis(opts.redisUrl ? { redisUrl: opts.redisUrl } : {});
  const prefix = `eval-${randomUUID()}:`;
  const travel = createTravelPlugin({ requireApproval: opts.requireApproval });
  const cleanup = new Redis(redis.url, { maxRetriesPerRequest: 3, lazyConnect: true });
  cleanup.on('error', (err: Error) => opts.logger.warn({ err }, 'eval: redis connection error'));
  try {
    await cleanup.connect();
    const app = await startAll({
      redisUrl: redis.url,
      prefix,
      port: 0,
      dashboardDir: null,
      models: opts.models,
      plugins: [travel, builtinPlugin],
      actorConcurrency: opts.actorConcurrency,
      logger: opts.logger,
    });
    const d = describeModelsConfig(opts.models);
    return {
      client: createApiClient({ url: app.url, ...(app.commander.operatorToken ? { apiKey: app.commander.operatorToken } : {}) }),
      world: (missionId) => ({ ledger: () => travel.world().ledger(missionId) }),
      models: JSON.stringify(d),
      simulated: modelInfo(opts.models).simulated,
      async close() {
        try {
          await app.close();
          await deletePrefix(cleanup, prefix);
        } finally {
          cleanup.disconnect();
          await redis.stop();
        }
      },
    };
  } catch (err) {
    cleanup.disconnect();
    await redis.stop();
    throw err;
  }
}

/** Options of `connectRemote`. */
export interface RemoteOptions {
  url: string;
  apiKey?: string;
  /**
   * The server's Redis and key prefix, to read the travel world's records (the API does not
   * serve them). Without it, checkers that read the world are reported as skipped.
   */
  world?: { redisUrl: string; prefix: string };
}

/** A running server reached over its REST API. */
export async function connectRemote(opts: RemoteOptions): Promise<EvalTarget> {
  const client = createApiClient({ url: opts.url, ...(opts.apiKey ? { apiKey: opts.apiKey } : {}) });
  let world: TravelWorld | undefined;
  let redis: Redis | undefined;
  if (opts.world) {
    redis = new Redis(opts.world.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
    await redis.connect();
    world = new TravelWorld(redis, { keyPrefix: opts.world.prefix });
  }
  const res = await fetch(`${opts.url.replace(/\/+$/, '')}/healthz`).catch((err: Error) => {
    throw new Error(`cannot reach ${opts.url}: ${err.message}`);
  });
  if (!res.ok) throw new Error(`${opts.url}/healthz answered ${res.status}`);
  return {
    client,
    world: (missionId) => ({
      ledger: () => {
        if (!world) throw new SkipCheck('the travel world is read from the server\'s Redis: pass --redis <url> (and --prefix if not aime:)');
        return world.ledger(missionId);
      },
    }),
    models: 'as configured on the server',
    simulated: false,
    async close() {
      redis?.disconnect();
    },
  };
}
