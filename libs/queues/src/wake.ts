import type { JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { PlannerJob } from '@aime/protocol';

/** BullMQ keys live beside the store's: `<store prefix>bull:<queue>:…`. */
export const bullPrefix = (storePrefix: string): string => `${storePrefix}bull`;

/**
 * A connection as BullMQ workers need it: blocking commands never time out client-side, and a
 * lost server (a Redis restart, a failover) is reconnected to for as long as it takes, with
 * commands held meanwhile, so no service exits because Redis went away for a while.
 */
export function bullConnection(redisUrl: string, onError?: (err: Error) => void): Redis {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    // Every 0.2 s at first, then every 2 s: back within a second of a quick restart, cheap in a long outage.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    // A replica promoted away from under us answers READONLY: reconnect to find the new primary.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  });
  if (onError) redis.on('error', onError);
  return redis;
}

/**
 * Options of a planner wake-up job. A step that fails (a stale graph write, a model outage)
 * is retried, so the wake-up is not lost; any number of wake-ups is safe because steps of one
 * mission are serialised by its lock and each step drains the whole inbox.
 */
export const WAKE_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: 1000,
  attempts: 3,
  backoff: { type: 'exponential', delay: 500 },
};

/** Wakes the planner of a mission. */
export async function wakePlanner(queue: Queue, missionId: string, reason: string): Promise<void> {
  const job: PlannerJob = { missionId, reason: reason.slice(0, 200) };
  await queue.add('wake', job, WAKE_JOB_OPTIONS);
}

/**
 * Wakes the planner of a mission after `delayMs`. Used when a step found the mission's lock
 * held: if the holder died, its lock expires and this wake-up runs the step it could not.
 * Wake-ups due in the same second share one job (its id names the mission and that second),
 * so a burst of busy steps adds one job, while a delayed wake-up that itself finds the lock
 * still held can schedule the next one (a job cannot re-add its own id while it runs).
 */
export async function wakePlannerLater(queue: Queue, missionId: string, reason: string, delayMs: number): Promise<void> {
  const job: PlannerJob = { missionId, reason: reason.slice(0, 200) };
  const delay = Math.max(0, Math.round(delayMs));
  const dueSecond = Math.ceil((Date.now() + delay) / 1000);
  // removeOnFail: a failed job kept under this id would swallow a later wake-up of the mission.
  await queue.add('wake', job, { ...WAKE_JOB_OPTIONS, removeOnFail: true, delay, jobId: `later~${missionId.replace(/:/g, '_')}~${dueSecond}` });
}
