import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { ModelsConfig } from '@aime/models';
import { bundleInfo, isPluginFactory, pluginKeys, startMissionEndHooks, type BundleDefinition, type PluginDefinition, type PluginModule } from '@aime/plugin-sdk';
import { ATTR, contextFromCarrier, idAttributes, inSpan, jobWaitSeconds, runtimeMetrics, secondsSince, SPAN } from '@aime/telemetry';
import { ActorJob, errorMessage, QUEUES } from '@aime/protocol';
import { capabilityQueue, createMissionStore, createRedis, type CreateRedisOptions, type MissionStore, type RedisClient, type WorkerAdvert } from '@aime/store';
import { loadConfig, type AimeConfig } from './config.ts';
import { applyApprovalPolicy, unknownConfigKeys, unmatchedPatterns, type ApprovalPolicy } from './approval-policy.ts';
import { DEFAULT_HISTORY_TOKENS } from './context-window.ts';
import { ActorError } from './errors.ts';
import { reportFailedJob } from './failed-job.ts';
import { DEFAULT_MAX_OBSERVATION_CHARS } from './observation.ts';
import { PluginLoadError, loadPlugins, pluginOrigin } from './plugin-loader.ts';
import { submitReport } from './report.ts';
import { runActor, type ActorHooks, type ActorOutcome } from './run-actor.ts';
import { toolLogger } from './tool-context.ts';
import { beatActorLease, bullConnection, bullPrefix as bullPrefixOf, bullQueueOptions, resolveRecovery, workerRecoveryOptions, type RecoverySettings } from '@aime/queues';
import { createLogger, type ServiceState } from '@aime/service';

/** Lifecycle of a long-running service. */
export type { ServiceState };

export interface ActorWorkerOptions {
  /** @default 'redis://127.0.0.1:6379' */
  redisUrl?: string;
  /** `redisUrl` names the seed nodes of a Redis Cluster (`AIME_REDIS_CLUSTER=1`). @default false */
  redisCluster?: boolean;
  /** Prefix of the store's keys (and plugins' keys); BullMQ uses `${prefix}bull`. @default 'aime:' */
  prefix?: string;
  /** A store to use (left open on close); else one is opened on `redisUrl` and `prefix`. */
  store?: MissionStore;
  models: ModelsConfig;
  /** The plugins whose bundles this worker serves (objects or factories); when omitted they are loaded from `config`. */
  plugins?: PluginModule[];
  /** Where the plugins come from when `plugins` is omitted. @default await loadConfig() */
  config?: AimeConfig;
  /** Tools whose every call waits for an operator (names or globs); @default the config's `approvals` */
  approvals?: ApprovalPolicy;
  /** Actor jobs run at once. @default 4 */
  concurrency?: number;
  /** @default `actors-<random>` */
  workerId?: string;
  logger?: Logger;
  /**
   * How often the worker refreshes its advert and the leases of its running actors; both expire
   * after 3 beats (then a running task shows `recovering`; main.ts passes `AIME_ACTOR_HEARTBEAT_MS`). @default 2000
   */
  heartbeatMs?: number;
  /** How fast a job of a dead worker runs again (main.ts passes `AIME_ACTOR_LOCK_MS`, `_STALLED_INTERVAL_MS`, `_MAX_STALLED`). @default 10 s, 4 s, 3 */
  recovery?: Partial<RecoverySettings>;
  /** How long a finished mission is kept, in ms (`AIME_RETENTION`). @default 7 days */
  retentionMs?: number;
  /** Approximate cap of each mission's event stream (`AIME_EVENTS_MAX`). @default 10000 */
  eventsMax?: number;
  /** How often a running actor checks its mission's status (cancel, pause). @default 500 */
  pollMs?: number;
  /** Fault-injection hooks (tests, drills). */
  hooks?: ActorHooks;
  /**
   * Characters of one tool observation the actor model sees (500..1,000,000); a longer one is
   * stored as an artifact and read in pages with `read_artifact`. @default 4000
   */
  maxObservationChars?: number;
  /**
   * Tokens (estimated as characters / 4) of step history sent to the actor model (1,000..10,000,000);
   * older steps are shortened or left out, the stored transcript stays whole. @default 12000
   */
  historyTokens?: number;
}

export interface ActorWorkerHandle {
  readonly workerId: string;
  /** The actor queue it consumes: `aime-actors-<capKey>` of its bundles. */
  readonly queue: string;
  /** The names of the bundles it serves. */
  readonly bundles: string[];
  readonly state: ServiceState;
  /** Removes the advert, drains running actors, runs plugin teardowns, closes what it opened. */
  close(): Promise<void>;
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new ActorError('invalid_option', `${name} must be an integer ${min}..${max}, got ${String(v)}`);
}

/** The bundles of all plugins by name; a bundle or tool name served twice is a configuration error. */
function collectBundles(plugins: PluginDefinition[]): Map<string, BundleDefinition> {
  const bundles = new Map<string, BundleDefinition>();
  const tools = new Map<string, string>();
  for (const p of plugins) {
    for (const b of p.bundles) {
      if (bundles.has(b.name)) throw new ActorError('duplicate_tool', `bundle "${b.name}" is served by two plugins (second: ${p.name})`);
      bundles.set(b.name, b);
      for (const t of b.tools) {
        const other = tools.get(t.name);
        if (other) throw new ActorError('duplicate_tool', `tool "${t.name}" is in bundles "${other}" and "${b.name}"; tool names must be unique`);
        tools.set(t.name, b.name);
      }
    }
  }
  return bundles;
}

/**
 * Starts an actor worker: loads the configured plugins (unless given), sets them up,
 * advertises their bundles in the live registry (refreshed on a heartbeat) and runs actor
 * jobs from the queue of its bundle set (`capabilityQueue`), where the factory routes them.
 * @throws ActorError `invalid_option`, `duplicate_tool`, or `plugin_setup_failed` (a plugin passed
 * in failed to set up); PluginLoadError `plugin_load_failed` (a configured plugin failed to load
 * or set up); ConfigError `invalid_config`. Each names the plugin and the cause.
 */
export async function startActorWorker(opts: ActorWorkerOptions): Promise<ActorWorkerHandle> {
  const concurrency = opts.concurrency ?? 4;
  const heartbeatMs = opts.heartbeatMs ?? 2_000;
  const pollMs = opts.pollMs ?? 500;
  checkInt('concurrency', concurrency, 1, 256);
  checkInt('heartbeatMs', heartbeatMs, 10, 600_000);
  const recovery = resolveRecovery('actor', opts.recovery);
  checkInt('pollMs', pollMs, 10, 60_000);
  const maxObservationChars = opts.maxObservationChars ?? DEFAULT_MAX_OBSERVATION_CHARS;
  const historyTokens = opts.historyTokens ?? DEFAULT_HISTORY_TOKENS;
  checkInt('maxObservationChars', maxObservationChars, 500, 1_000_000);
  checkInt('historyTokens', historyTokens, 1_000, 10_000_000);
  if (!opts.models) throw new ActorError('invalid_option', 'models is required (see modelsConfigFromEnv)');
  if (opts.plugins !== undefined && !Array.isArray(opts.plugins)) throw new ActorError('invalid_option', 'plugins must be an array of PluginDefinition');
  const prefix = opts.prefix ?? 'aime:';
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  const workerId = opts.workerId ?? `actors-${randomUUID().slice(0, 8)}`;
  const logger = (opts.logger ?? createLogger()).child({ component: 'actors', workerId });
  let state: ServiceState = 'starting';

  const target = { url: redisUrl, cluster: opts.redisCluster ?? false };
  let modules: PluginModule[];
  let approvals = opts.approvals;
  if (opts.plugins) modules = opts.plugins;
  else {
    const config = opts.config ?? (await loadConfig());
    approvals ??= config.approvals;
    modules = await loadPlugins(config, { logger });
    logger.info({ plugins: config.plugins.map((p) => p.module), mcpServers: config.mcpServers.map((s) => s.name), config: config.source, from: config.pluginsFrom }, 'plugins loaded');
  }
  const setUp: PluginDefinition[] = [];
  const teardown = async (): Promise<void> => {
    for (const p of [...setUp].reverse()) {
      try {
        await p.teardown?.();
      } catch (err) {
        logger.warn({ plugin: p.name, err }, 'plugin teardown failed');
      }
    }
  };
  // A factory plugin is its own setup, and its bundles are known only once it ran; an object
  // plugin's setup gets the same context plus its key namespace.
  const plugins: PluginDefinition[] = [];
  for (const m of modules) {
    const name = isPluginFactory(m) ? (pluginOrigin(m)?.specifier ?? 'plugin factory') : m.name;
    const base = { redisUrl, ...(opts.redisCluster ? { redisCluster: true } : {}), connectRedis: (o?: CreateRedisOptions) => createRedis(target, o), keyPrefix: prefix, logger: toolLogger(logger.child({ plugin: name })), config: {} };
    try {
      const p = isPluginFactory(m) ? await m.create(base) : m;
      if (!isPluginFactory(m)) await p.setup?.({ ...base, keys: pluginKeys(prefix, p.name) });
      plugins.push(p);
      setUp.push(p);
      // A config key the plugin does not know would be ignored without a word: say so, naming it.
      for (const key of unknownConfigKeys(p.configKeys, pluginOrigin(m)?.config)) {
        logger.warn({ plugin: p.name, key, accepts: p.configKeys }, `plugin ${p.name}: unknown config key "${key}" (ignored; it accepts ${p.configKeys?.length ? p.configKeys.join(', ') : 'no config keys'}${key === 'requireApproval' ? '; to require approvals, use "approvals": { "require": [...] } in aime.config' : ''})`);
      }
    } catch (err) {
      await teardown();
      if (!opts.plugins) for (const rest of modules.slice(modules.indexOf(m) + 1)) if (!isPluginFactory(rest)) await Promise.resolve(rest.teardown?.()).catch(() => undefined);
      const cause = errorMessage(err);
      const origin = pluginOrigin(m);
      if (origin) throw new PluginLoadError(origin.specifier, 'setup_failed', `plugin "${origin.specifier}" (${name}) failed to set up: ${cause}`, { cause: err });
      throw new ActorError('plugin_setup_failed', `plugin "${name}" failed to set up: ${cause}`, { cause: err });
    }
  }
  let bundles: Map<string, BundleDefinition>;
  try {
    bundles = collectBundles(plugins);
    // The config's approval policy adds approvals to any plugin's tools by name or glob.
    const policy = applyApprovalPolicy(bundles, approvals);
    bundles = policy.bundles;
    if (policy.required.length) logger.info({ tools: policy.required }, 'approval policy: these tools wait for an operator');
    for (const p of unmatchedPatterns(bundles, approvals)) logger.warn({ pattern: p }, `approval policy: "${p}" matches no tool served here`);
  } catch (err) {
    await teardown();
    throw err;
  }
  const queue = capabilityQueue([...bundles.keys()]);

  const store = opts.store ?? createMissionStore({ redis: target, prefix, ...(opts.retentionMs !== undefined ? { retentionMs: opts.retentionMs } : {}), ...(opts.eventsMax !== undefined ? { eventsMax: opts.eventsMax } : {}) });
  const connect = (): RedisClient => bullConnection(target, (err) => logger.warn({ err }, 'redis connection error'));
  const queueConn = connect();
  const workerConn = connect();
  const bullPrefix = bullPrefixOf(prefix);
  const planner = new Queue(QUEUES.planner, bullQueueOptions(queueConn, bullPrefix, QUEUES.planner));

  const advert: WorkerAdvert = {
    workerId,
    queue,
    bundles: [...bundles.values()].map((b) => bundleInfo(b)),
    startedAt: new Date().toISOString(),
    host: hostname(),
    pid: process.pid,
    concurrency,
  };
  // Actors running here, by job id: their leases are renewed with the advert.
  const running = new Map<string, { missionId: string; actorId: string }>();
  const beat = (a: { missionId: string; actorId: string }, ended?: true): Promise<void> =>
    beatActorLease(store, a.missionId, a.actorId, { workerId, beatAt: new Date().toISOString(), ttlMs: heartbeatMs * 3, ...(ended ? { ended } : {}) });
  const advertise = async (): Promise<void> => {
    try {
      await Promise.all([store.advertiseWorker({ ...advert, busy: running.size, beatAt: new Date().toISOString() }, heartbeatMs * 3), ...[...running.values()].map((a) => beat(a))]);
    } catch (err) {
      logger.warn({ err }, 'advertising the worker failed');
    }
  };

  // Aborted by close(): running actors stop at their next step boundary and hand their job back.
  const drain = new AbortController();
  const handle = async (job: Job, token?: string): Promise<ActorOutcome> => {
    const parsed = ActorJob.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid actor job ${job.id}: ${parsed.error.message}`);
    const data = parsed.data;
    running.set(job.id!, data);
    // Best effort: a lease not written only delays the `recovering` view, never the work.
    await beat(data).catch(() => undefined);
    try {
      const metrics = runtimeMetrics();
      metrics.queueWait.observe({ queue: job.queueName }, jobWaitSeconds(job));
      const startedAt = Date.now();
      // One span per run of the actor, child of the factory build that spawned it (trace context in the job).
      const outcome = await inSpan(SPAN.actor, { parent: contextFromCarrier(data.trace, data.missionId), attributes: { ...idAttributes(data), 'aime.worker.id': workerId } }, async (span) => {
        const result = await runActor({ store, models: opts.models, planner, bundles, logger, pollMs, workerId, maxObservationChars, historyTokens, drain: drain.signal, ...(opts.hooks ? { hooks: opts.hooks } : {}) }, data);
        span.setAttribute(ATTR.outcome, result);
        return result;
      }).catch((err: unknown) => {
        metrics.actorRun.observe({ outcome: 'error' }, secondsSince(startedAt));
        throw err;
      });
      metrics.actorRun.observe({ outcome }, secondsSince(startedAt));
      if (outcome === 'handed_back') {
        // Back to the queue at once (no attempt used), for a worker that is not shutting down.
        await job.moveToWait(token);
        logger.info({ ...data, jobId: job.id }, 'actor job handed back (worker draining)');
        throw new WaitingError();
      }
      return outcome;
    } catch (err) {
      if (err instanceof WaitingError) throw err;
      const message = errorMessage(err);
      const final = err instanceof ActorError && err.code === 'spec_not_found' ? true : job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.warn({ ...data, attempt: job.attemptsMade + 1, final, err: message }, 'actor attempt failed');
      if (final) {
        // The planner must hear of it, or the task would stay running with no live work.
        await submitReport({ store, planner }, data, {
          status: 'failed',
          summary: `The actor failed: ${message}`.slice(0, 8000),
          references: [],
          artifacts: [],
        }).catch((e: unknown) => logger.error({ ...data, err: errorMessage(e) }, 'could not hand in the failure report'));
        if (err instanceof ActorError && err.code === 'spec_not_found') throw new UnrecoverableError(message);
      }
      throw err;
    } finally {
      running.delete(job.id!);
      await beat(data, true).catch(() => undefined);
    }
  };

  // BullMQ's name for this worker is recorded on each job it takes (`processedBy`), for operators.
  const worker = new Worker(queue, handle, { ...bullQueueOptions(workerConn, bullPrefix, queue), concurrency, name: workerId, ...workerRecoveryOptions(recovery) });
  worker.on('error', (err) => logger.error({ err }, 'actor worker error'));
  worker.on('failed', (job, err) => void reportFailedJob({ store, planner, logger }, job, err).catch((e: unknown) => logger.error({ jobId: job?.id, err: errorMessage(e) }, 'could not hand in the failure report')));
  await worker.waitUntilReady();
  await advertise();
  const heartbeat = setInterval(() => void advertise(), heartbeatMs);
  heartbeat.unref();
  // Plugins' onMissionEnd: every worker watches the feed, one claims each (plugin, mission).
  const missionEnds = startMissionEndHooks({
    plugins,
    keyPrefix: prefix,
    logger: toolLogger(logger),
    claim: async (key, ttlMs) => (await queueConn.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK',
    ended: async (cursor, signal) => {
      const after = cursor ?? `${Date.now()}-0`;
      const entries = await store.tailFeed({ after, blockMs: 5_000, limit: 500, signal });
      return { cursor: entries.at(-1)?.id ?? after, missionIds: entries.filter((e) => e.type === 'mission.finished').map((e) => e.missionId) };
    },
  });
  state = 'running';
  logger.info({ bundles: [...bundles.keys()], queue, concurrency, prefix, heartbeatMs, recovery }, 'actor worker running');

  let closing: Promise<void> | undefined;
  return {
    workerId,
    queue,
    bundles: [...bundles.keys()],
    get state() {
      return state;
    },
    close() {
      closing ??= (async () => {
        state = 'draining';
        clearInterval(heartbeat);
        await store.removeWorker(workerId).catch(() => undefined);
        drain.abort();
        await worker.close();
        await missionEnds.stop();
        await planner.close();
        await Promise.allSettled([queueConn.quit(), workerConn.quit()]);
        await teardown();
        if (!opts.store) await store.close();
        state = 'closed';
        logger.info('actor worker closed');
      })();
      return closing;
    },
  };
}
