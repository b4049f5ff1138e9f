import { pino, type Logger } from 'pino';
import { startActorFactory } from '@aime/actor-factory';
import { loadConfig, startActorWorker, type AimeConfig } from '@aime/actors';
import { securityOptionsFromEnv, startCommander, type CommanderHandle } from '@aime/commander';
import { describeModelsConfig, modelInfo, modelsConfigFromEnv, type ModelsConfig } from '@aime/models';
import type { PluginDefinition } from '@aime/plugin-sdk';
import type { ModelInfo } from '@aime/protocol';
import { startSimServer } from '@aime/sim';
import { ensureRedis } from './redis.ts';

/** An integer setting; a malformed one is passed on as NaN, which the worker rejects by name. */
const intEnv = (name: string): number | undefined => (process.env[name]?.trim() ? Number(process.env[name]) : undefined);

/** The actor worker's context bounds from `AIME_ACTOR_MAX_OBSERVATION_CHARS` / `AIME_ACTOR_HISTORY_TOKENS`. */
function actorContextFromEnv(): { maxObservationChars?: number; historyTokens?: number } {
  const maxObservationChars = intEnv('AIME_ACTOR_MAX_OBSERVATION_CHARS');
  const historyTokens = intEnv('AIME_ACTOR_HISTORY_TOKENS');
  return { ...(maxObservationChars !== undefined ? { maxObservationChars } : {}), ...(historyTokens !== undefined ? { historyTokens } : {}) };
}

export interface AllInOneOptions {
  /** @default process.env.REDIS_URL, else 127.0.0.1:6379, else a redis-server started here */
  redisUrl?: string;
  /** @default process.env.AIME_PREFIX ?? 'aime:' */
  prefix?: string;
  /** @default process.env.AIME_HOST ?? '127.0.0.1' */
  host?: string;
  /** @default Number(process.env.AIME_PORT ?? 7400) */
  port?: number;
  models?: ModelsConfig;
  /** The actor worker's plugins; when omitted they are loaded from `config`. */
  plugins?: PluginDefinition[];
  /**
   * Where the plugins come from when `plugins` is omitted: `AIME_CONFIG`, `aime.config.*` in the
   * working directory, `AIME_PLUGINS`, else the default plugins. @default await loadConfig()
   */
  config?: AimeConfig;
  /** @default process.env.AIME_API_KEYS; without keys an operator token is generated (`commander.operatorToken`) */
  apiKeys?: string;
  /** Serve loopback clients without a key when no keys are configured. @default AIME_INSECURE_LOOPBACK=1 */
  insecureLoopback?: boolean;
  logger?: Logger;
  /** Actor jobs run at once in this process. @default 4 */
  actorConcurrency?: number;
  dashboardDir?: string | null;
  /**
   * Latency of the simulated model this process starts, per request (a real model takes
   * seconds; a zero-latency sim finishes tasks faster than a screen refreshes).
   * @default Number(process.env.AIME_SIM_LATENCY_MS ?? 0)
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
  const logger = opts.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    const redis = await ensureRedis(opts.redisUrl ?? process.env.REDIS_URL ? { redisUrl: opts.redisUrl ?? process.env.REDIS_URL! } : {});
    closers.push(redis.stop);
    if (redis.started) logger.info({ url: redis.displayUrl }, 'started redis-server (data in .aime/redis)');

    // Plugins and model settings may come from aime.config.*: load it before the models.
    const config = opts.plugins ? undefined : (opts.config ?? (await loadConfig()));
    let models = opts.models ?? modelsConfigFromEnv(process.env, config?.models);
    if (modelInfo(models).simulated && !process.env.AIME_SIM_URL) {
      const sim = await startSimServer({ port: 0, latencyMs: opts.simLatencyMs ?? Number(process.env.AIME_SIM_LATENCY_MS ?? 0) });
      closers.push(sim.close);
      models = { ...models, simURL: sim.url };
      logger.info({ url: sim.url }, 'simulated model server started (no real model configured)');
    }
    logger.info({ models: describeModelsConfig(models) }, 'models');
    const prefix = opts.prefix ?? process.env.AIME_PREFIX ?? 'aime:';
    const common = { redisUrl: redis.url, prefix, models, logger };

    // A plugin that fails to load stops the start here, before the API answers anything.
    const plugins = opts.plugins ? { plugins: opts.plugins } : { config: config! };
    const workers = await startActorWorker({ ...common, ...plugins, concurrency: opts.actorConcurrency ?? 4, ...actorContextFromEnv() });
    closers.push(() => workers.close());
    const factory = await startActorFactory(common);
    closers.push(() => factory.close());
    const security = securityOptionsFromEnv(process.env);
    const commander = await startCommander({
      ...common,
      host: opts.host ?? process.env.AIME_HOST ?? '127.0.0.1',
      port: opts.port ?? Number(process.env.AIME_PORT ?? 7400),
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
