import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { ModelsConfig } from '@aime/models';
import { FactoryJob, QUEUES } from '@aime/protocol';
import { wakePlanner, bullConnection, bullPrefix as bullPrefixOf, bullQueueOptions, resolveRecovery, workerRecoveryOptions, type RecoverySettings } from '@aime/queues';
import { createMissionStore, type MissionStore, type RedisClient } from '@aime/store';
import { buildSpec, type BuildSpecOutcome } from './build-spec.ts';
import { startCapabilityWatch } from './capability-watch.ts';
import { FactoryError } from './errors.ts';
import { reportUnbuiltActor } from './failure.ts';
import { ATTR, contextFromCarrier, idAttributes, inSpan, jobWaitSeconds, runtimeMetrics, secondsSince, SPAN } from '@aime/telemetry';
import { createLogger, type ServiceState } from '@aime/service';

/** Lifecycle of a long-running service. */
export type { ServiceState };

export interface ActorFactoryOptions {
  /** @default 'redis://127.0.0.1:6379' */
  redisUrl?: string;
  /** `redisUrl` names the seed nodes of a Redis Cluster (`AIME_REDIS_CLUSTER=1`). @default false */
  redisCluster?: boolean;
  /** Prefix of the store's keys; BullMQ uses `${prefix}bull`. @default 'aime:' */
  prefix?: string;
  /** A store to use (left open on close); else one is opened on `redisUrl` and `prefix`. */
  store?: MissionStore;
  models: ModelsConfig;
  /** Factory jobs worked on at once. @default 4 */
  concurrency?: number;
  logger?: Logger;
  /** Step limit written into each ActorSpec. @default 24 */
  maxSteps?: number;
  /** How often tasks waiting for a live worker are checked (and unblocked). @default 2000 */
  capabilityPollMs?: number;
  /** How fast a job of a dead factory runs again (main.ts passes `AIME_FACTORY_LOCK_MS`, `_STALLED_INTERVAL_MS`, `_MAX_STALLED`). @default 10 s, 4 s, 3 */
  recovery?: Partial<RecoverySettings>;
  /** How long a finished mission is kept, in ms (`AIME_RETENTION`). @default 7 days */
  retentionMs?: number;
  /** Approximate cap of each mission's event stream (`AIME_EVENTS_MAX`). @default 10000 */
  eventsMax?: number;
}

export interface ActorFactoryHandle {
  readonly state: ServiceState;
  /** Stops taking jobs, waits for running ones, closes what it opened. */
  close(): Promise<void>;
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new FactoryError('invalid_option', `${name} must be an integer ${min}..${max}, got ${String(v)}`);
}

/**
 * Starts the Actor Factory: a BullMQ worker on `QUEUES.factory` that turns each dispatched
 * task into an ActorSpec and an actor job.
 * @throws FactoryError `invalid_option` for bad options, before anything is opened.
 */
export async function startActorFactory(opts: ActorFactoryOptions): Promise<ActorFactoryHandle> {
  const concurrency = opts.concurrency ?? 4;
  const maxSteps = opts.maxSteps ?? 24;
  checkInt('concurrency', concurrency, 1, 256);
  checkInt('maxSteps', maxSteps, 1, 1000);
  const capabilityPollMs = opts.capabilityPollMs ?? 2_000;
  checkInt('capabilityPollMs', capabilityPollMs, 10, 600_000);
  const recovery = resolveRecovery('factory', opts.recovery);
  if (!opts.models) throw new FactoryError('invalid_option', 'models is required (see modelsConfigFromEnv)');
  const prefix = opts.prefix ?? 'aime:';
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  const logger = (opts.logger ?? createLogger()).child({ component: 'actor-factory' });

  let state: ServiceState = 'starting';
  const target = { url: redisUrl, cluster: opts.redisCluster ?? false };
  const store = opts.store ?? createMissionStore({ redis: target, prefix, ...(opts.retentionMs !== undefined ? { retentionMs: opts.retentionMs } : {}), ...(opts.eventsMax !== undefined ? { eventsMax: opts.eventsMax } : {}) });
  const connect = (): RedisClient => bullConnection(target, (err) => logger.warn({ err }, 'redis connection error'));
  const queueConn = connect();
  const workerConn = connect();
  const bullPrefix = bullPrefixOf(prefix);
  // One queue object per actor queue (`aime-actors-<capKey>`), made on first use.
  const actorQueues = new Map<string, Queue>();
  const actorQueue = (name: string): Queue => {
    let q = actorQueues.get(name);
    if (!q) {
      q = new Queue(name, bullQueueOptions(queueConn, bullPrefix, name));
      actorQueues.set(name, q);
    }
    return q;
  };
  const planner = new Queue(QUEUES.planner, bullQueueOptions(queueConn, bullPrefix, QUEUES.planner));
  const wake = (missionId: string, reason: string): Promise<void> => wakePlanner(planner, missionId, reason);

  const handle = async (job: Job): Promise<BuildSpecOutcome> => {
    const parsed = FactoryJob.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid factory job ${job.id}: ${parsed.error.message}`);
    const metrics = runtimeMetrics();
    metrics.queueWait.observe({ queue: QUEUES.factory }, jobWaitSeconds(job));
    const startedAt = Date.now();
    // Child of the planner step that dispatched the task (trace context in the job); the actor job it enqueues carries this span's.
    const outcome = await inSpan(SPAN.factoryBuild, { parent: contextFromCarrier(parsed.data.trace, parsed.data.missionId), attributes: idAttributes(parsed.data) }, async (span) => {
      const built = await buildSpec({ store, models: opts.models, actorQueue, wake, logger, maxSteps }, parsed.data);
      span.setAttribute(ATTR.outcome, built.spawned ? 'spawned' : built.reason);
      if (built.spawned) span.setAttribute(ATTR.actorId, built.spec.actorId);
      return built;
    }).catch((err: unknown) => {
      metrics.factoryBuild.observe({ outcome: 'error' }, secondsSince(startedAt));
      throw err;
    });
    metrics.factoryBuild.observe({ outcome: outcome.spawned ? 'spawned' : outcome.blocked ? 'blocked' : 'skipped' }, secondsSince(startedAt));
    if (!outcome.spawned) logger.debug({ ...parsed.data, reason: outcome.reason }, 'factory job skipped');
    return outcome;
  };
  const worker = new Worker(QUEUES.factory, handle, { ...bullQueueOptions(workerConn, bullPrefix, QUEUES.factory), concurrency, ...workerRecoveryOptions(recovery) });
  worker.on('failed', (job, err) => {
    logger.error({ jobId: job?.id, err }, 'factory job failed');
    const final = job && (err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1));
    if (final) {
      reportUnbuiltActor({ store, planner }, job.data, err).catch((e: unknown) => logger.error({ jobId: job.id, err: (e as Error).message }, 'could not report the unbuilt actor'));
    }
  });
  worker.on('error', (err) => logger.error({ err }, 'factory worker error'));
  await worker.waitUntilReady();
  const watch = startCapabilityWatch({ store, wake, logger }, capabilityPollMs);
  state = 'running';
  logger.info({ concurrency, queue: QUEUES.factory, prefix }, 'actor factory running');

  let closing: Promise<void> | undefined;
  return {
    get state() {
      return state;
    },
    close() {
      closing ??= (async () => {
        state = 'draining';
        await worker.close();
        await watch.stop();
        await Promise.all([...actorQueues.values(), planner].map((q) => q.close()));
        await Promise.allSettled([queueConn.quit(), workerConn.quit()]);
        if (!opts.store) await store.close();
        state = 'closed';
        logger.info('actor factory closed');
      })();
      return closing;
    },
  };
}
