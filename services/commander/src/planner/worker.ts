import { Queue, Worker, type Job } from 'bullmq';
import { PlannerJob, QUEUES, type ActorJob, type FactoryJob } from '@aime/protocol';
import { bullQueueOptions, resolveRecovery, wakePlanner, wakePlannerLater, workerRecoveryOptions, type RecoverySettings } from '@aime/queues';
import { ATTR, idAttributes, inSpan, jobWaitSeconds, missionContext, recordMissionSpan, runtimeMetrics, secondsSince, SPAN, traceCarrier } from '@aime/telemetry';
import type { MissionStore, RedisClient } from '@aime/store';
import type { Logger } from 'pino';
import { RESUME_JOB_OPTIONS, resumeJobId, resumeQueue } from './approvals.ts';
import { jobKey } from './job-key.ts';
import { reapIdleMissions, sweepRetention } from './reaper.ts';
import { startReconciler, type ReconcilerOptions } from './reconciler.ts';
import { runPlannerStep, type PlannerModelCall } from './step.ts';

export interface PlannerWorkerOptions {
  store: MissionStore;
  connection: RedisClient;
  /** BullMQ key prefix. */
  bullPrefix: string;
  callModel: PlannerModelCall;
  logger: Logger;
  workerId: string;
  /** Missions planned at once (one step per mission at a time). @default 4 */
  concurrency?: number;
  /** How often the reaper looks for missions with no live work. @default 15000 */
  reaperIntervalMs?: number;
  /** A non-finished mission with no event for this long is woken by the reaper. @default 60000 */
  reaperIdleMs?: number;
  /** The reconciler of tasks with no live work (interval, grace, repairs before failing). @default see ReconcilerOptions */
  reconciler?: ReconcilerOptions;
  /** How fast a step of a dead planner runs again. @default `AIME_PLANNER_LOCK_MS`, `AIME_PLANNER_STALLED_INTERVAL_MS`, `AIME_PLANNER_MAX_STALLED`, else 10 s, 4 s, 3 */
  recovery?: Partial<RecoverySettings>;
}

export interface PlannerWorkerHandle {
  wake(missionId: string, reason: string): Promise<void>;
  close(): Promise<void>;
  plannerQueue: Queue;
  factoryQueue: Queue;
}

export { jobKey } from './job-key.ts';


export function startPlannerWorker(opts: PlannerWorkerOptions): PlannerWorkerHandle {
  const { store, logger } = opts;
  const recovery = resolveRecovery('planner', opts.recovery);
  const plannerQueue = new Queue(QUEUES.planner, bullQueueOptions(opts.connection, opts.bullPrefix, QUEUES.planner));
  const factoryQueue = new Queue(QUEUES.factory, bullQueueOptions(opts.connection, opts.bullPrefix, QUEUES.factory));
  const wake = async (missionId: string, reason: string) => {
    await wakePlanner(plannerQueue, missionId, reason);
  };
  const enqueueFactory = async (job: FactoryJob) => {
    // The factory's span joins the trace as a child of the planner step enqueuing it (W3C context in the job).
    const trace = job.trace ?? traceCarrier();
    await factoryQueue.add('spawn', { ...job, ...(trace ? { trace } : {}) }, {
      jobId: jobKey(job.missionId, job.taskId, job.attempt),
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  };
  // Actor queues are per capability (routing); one Queue object per name, opened on first use.
  const actorQueues = new Map<string, Queue>();
  const actorQueue = (name: string): Queue => {
    let queue = actorQueues.get(name);
    if (!queue) {
      queue = new Queue(name, bullQueueOptions(opts.connection, opts.bullPrefix, name));
      actorQueues.set(name, queue);
    }
    return queue;
  };
  const resumeActor = async (job: ActorJob, approvalId: string) => {
    const name = await resumeQueue(store, job);
    await actorQueue(name).add('actor', job, { ...RESUME_JOB_OPTIONS, jobId: resumeJobId(job.missionId, job.actorId, approvalId) });
    logger.info({ ...job, approvalId, queue: name }, 'actor resumed after an approval decision');
  };
  const worker = new Worker(
    QUEUES.planner,
    async (job: Job) => {
      const { missionId } = PlannerJob.parse(job.data);
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const metrics = runtimeMetrics();
      metrics.queueWait.observe({ queue: QUEUES.planner }, jobWaitSeconds(job));
      const startedAt = Date.now();
      // Every planner step is a child of the mission's root span (ids derived from the mission id).
      const outcome = await inSpan(SPAN.plannerStep, { parent: missionContext(missionId), attributes: idAttributes({ missionId }) }, async (span) => {
        const result = await runPlannerStep(
        {
          store,
          callModel: opts.callModel,
          enqueueFactory,
          resumeActor,
          wake,
          wakeLater: (id, reason, delayMs) => wakePlannerLater(plannerQueue, id, reason, delayMs),
          logger: logger.child({ missionId }),
          holder: opts.workerId,
          // The mission lock lives as long as a planner job's lock, so a dead planner's missions recover as fast.
          lockTtlMs: Math.max(3_000, recovery.lockMs),
        },
        missionId,
        { finalAttempt },
      );
        span.setAttribute(ATTR.outcome, result.kind);
        return result;
      }).catch((err: unknown) => {
        metrics.plannerStep.observe({ outcome: 'error' }, secondsSince(startedAt));
        throw err;
      });
      metrics.plannerStep.observe({ outcome: outcome.kind }, secondsSince(startedAt));
      if (outcome.kind === 'finished') {
        const mission = await store.getMission(missionId).catch(() => null);
        if (mission) recordMissionSpan(missionId, mission.createdAt, outcome.status, mission.goal);
      }
      logger.debug({ missionId, outcome: outcome.kind }, 'planner step');
      return outcome.kind;
    },
    { ...bullQueueOptions(opts.connection, opts.bullPrefix, QUEUES.planner), concurrency: opts.concurrency ?? 4, ...workerRecoveryOptions(recovery) },
  );
  worker.on('failed', (job, err) => logger.warn({ err, missionId: job?.data?.missionId }, 'planner step failed'));
  worker.on('error', (err) => logger.error({ err }, 'planner worker error'));

  // The reaper: no mission stays running with no live work, and expired missions leave the indexes.
  const idleMs = opts.reaperIdleMs ?? 60_000;
  const reaper = setInterval(() => {
    void reapIdleMissions(store, wake, idleMs).catch((err: unknown) => logger.warn({ err }, 'reaper failed'));
    void sweepRetention(store, logger).catch((err: unknown) => logger.warn({ err }, 'retention sweep failed'));
  }, opts.reaperIntervalMs ?? 15_000);
  reaper.unref();
  // Tasks with no live work are repaired through the indexes, now (a crash may have left some) and periodically.
  const reconciler = startReconciler({ store, factoryQueue, plannerQueue, actorQueue, enqueueFactory, resumeActor, wake, logger: logger.child({ component: 'reconciler' }) }, opts.reconciler);
  // Missions from before the per-status indexes would otherwise be invisible to the reaper.
  void store.backfillIndexes().catch((err: unknown) => logger.warn({ err }, 'index backfill failed'));

  return {
    wake,
    plannerQueue,
    factoryQueue,
    async close() {
      clearInterval(reaper);
      reconciler.close();
      await worker.close();
      await Promise.all([plannerQueue.close(), factoryQueue.close(), ...[...actorQueues.values()].map((q) => q.close())]);
    },
  };
}
