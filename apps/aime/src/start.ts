import type { Logger } from 'pino';
import { startActorFactory } from '@aime/actor-factory';
import { loadConfig, startActorWorker, type AimeConfig } from '@aime/actors';
import { apiLimitsFromEnv, securityOptionsFromEnv, startCommander, type CommanderHandle } from '@aime/commander';
import { describeModelsConfig, modelInfo, modelsConfigFromEnv, type ModelsConfig } from '@aime/models';
import type { PluginDefinition } from '@aime/plugin-sdk';
import type { ModelInfo } from '@aime/protocol';
import { resolveRecovery } from '@aime/queues';
import { createLogger, loadEnv, type LoadedEnv } from '@aime/service';
import { registerTravelWorld } from '@aime/plugin-travel/sim';
import { startSimServer } from '@aime/sim';
import { ensureRedis, StartupError } from './redis.ts';

export interface AllInOneOptions {
  /** The validated environment; every option below wins over it. @default loadEnv(process.env) */
  env?: LoadedEnv;
  /** @default REDIS_URL, else 127.0.0.1:6379, else a redis-server started here */
  redisUrl?: string;
  /** `redisUrl` names the seed nodes of a Redis Cluster. @default AIME_REDIS_CLUSTER */
  redisCluster?: boolean;
  /** @default AIME_PREFIX */
  prefix?: string;
  /** @default AIME_HOST */
  host?: string;
  /** @default AIME_PORT */
  port?: number;
  models?: ModelsConfig;
  /** The actor worker's plugins; when omitted they are loaded from `config`. */
  plugins?: PluginDefinition[];
  /**
   * Where the plugins come from when `plugins` is omitted: `AIME_CONFIG`, `aime.config.*` in the
   * working directory, `AIME_PLUGINS`, else the default plugins. @default await loadConfig()
   */
  config?: AimeConfig;
  /** @default AIME_API_KEYS; without keys an operator token is generated (`commander.operatorToken`) */
  apiKeys?: string;
  /** Serve loopback clients without a key when no keys are configured. @default AIME_INSECURE_LOOPBACK=1 */
  insecureLoopback?: boolean;
  logger?: Logger;
  /** Actor jobs run at once in this process. @default AIME_ACTOR_CONCURRENCY */
  actorConcurrency?: number;
  dashboardDir?: string | null;
  /**
   * Latency of the simulated model this process starts, per request (a real model takes
   * seconds; a zero-latency sim finishes tasks faster than a screen refreshes).
   * @default AIME_SIM_LATENCY_MS
   */
  simLatencyMs?: number;
}

export interface AllInOneHandle {
  url: string;
  commander: CommanderHandle;
  /** The models new missions run with (for the start-up banner). */
  models: ModelInfo;
  close(): Promise<void>;
}

/**
 * The whole stack in one process: Redis (found or started), the simulated model when no
 * real one is configured, the commander (API, gateway, planner), the actor factory and an
 * actor worker with the configured plugins. The same `start` functions run each service alone.
 */
export async function startAll(opts: AllInOneOptions = {}): Promise<AllInOneHandle> {
  const env = opts.env ?? loadEnv(process.env);
  const v = env.values;
  const logger = opts.logger ?? createLogger({ level: v.LOG_LEVEL, service: 'aime' });
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    const redisUrl = opts.redisUrl ?? v.REDIS_URL;
    const redis = await ensureRedis({ ...(redisUrl ? { redisUrl } : {}), maxmemory: v.AIME_REDIS_MAXMEMORY });
    closers.push(redis.stop);
    if (redis.started) logger.info({ url: redis.displayUrl }, 'started redis-server (data in .aime/redis)');

    // Plugins and model settings may come from aime.config.*: load it before the models.
    const config = opts.plugins ? undefined : (opts.config ?? (await loadConfig({ env: env.raw })));
    let models = opts.models ?? modelsConfigFromEnv(env.raw, config?.models);
    if (modelInfo(models).simulated && !env.raw.AIME_SIM_URL?.trim()) {
      // The travel demo's world; a process may register more (the benchmarks register theirs) before it starts.
      registerTravelWorld();
      const sim = await startSimServer({ port: 0, latencyMs: opts.simLatencyMs ?? v.AIME_SIM_LATENCY_MS });
      closers.push(sim.close);
      models = { ...models, simURL: sim.url };
      logger.info({ url: sim.url }, 'simulated model server started (no real model configured)');
    }
    logger.info({ models: describeModelsConfig(models) }, 'models');
    const prefix = opts.prefix ?? v.AIME_PREFIX;
    const redisCluster = opts.redisCluster ?? v.AIME_REDIS_CLUSTER;
    if (redisCluster && !redisUrl) throw new StartupError('AIME_REDIS_CLUSTER=1 needs REDIS_URL: the seed nodes of the cluster (redis://host:port, comma-separated)');
    const common = { redisUrl: redis.url, redisCluster, prefix, models, logger, retentionMs: v.AIME_RETENTION, eventsMax: v.AIME_EVENTS_MAX };

    // A plugin that fails to load stops the start here, before the API answers anything.
    const plugins = opts.plugins ? { plugins: opts.plugins } : { config: config! };
    const workers = await startActorWorker({
      ...common,
      ...plugins,
      concurrency: opts.actorConcurrency ?? v.AIME_ACTOR_CONCURRENCY,
      heartbeatMs: v.AIME_ACTOR_HEARTBEAT_MS,
      recovery: resolveRecovery('actor', {}, env.raw),
      maxObservationChars: v.AIME_ACTOR_MAX_OBSERVATION_CHARS,
      historyTokens: v.AIME_ACTOR_HISTORY_TOKENS,
    });
    closers.push(() => workers.close());
    const factory = await startActorFactory({ ...common, recovery: resolveRecovery('factory', {}, env.raw) });
    closers.push(() => factory.close());
    const security = securityOptionsFromEnv(env.raw);
    const commander = await startCommander({
      ...common,
      host: opts.host ?? v.AIME_HOST,
      port: opts.port ?? v.AIME_PORT,
      limits: apiLimitsFromEnv(env.raw),
      streamLimits: { perKey: v.AIME_MAX_STREAMS_PER_KEY, perAddress: v.AIME_MAX_STREAMS_PER_ADDRESS },
      plannerRecovery: resolveRecovery('planner', {}, env.raw),
      ...security,
      ...(opts.apiKeys !== undefined ? { apiKeys: opts.apiKeys } : {}),
      ...(opts.insecureLoopback !== undefined ? { insecureLoopback: opts.insecureLoopback } : {}),
      ...(opts.dashboardDir !== undefined ? { dashboardDir: opts.dashboardDir } : {}),
    });
    closers.push(() => commander.close());
    return { url: commander.url!, commander, models: modelInfo(models), close };
  } catch (err) {
    await close();
    throw err;
  }
}
