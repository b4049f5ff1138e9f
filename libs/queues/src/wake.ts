import type { JobsOptions, Queue, QueueBaseOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { createRedis, type RedisClient, type RedisTarget } from '@aime/store';
import type { PlannerJob } from '@aime/protocol';

/** BullMQ keys live beside the store's: `<store prefix>bull:<queue>:…`. */
export const bullPrefix = (storePrefix: string): string => `${storePrefix}bull`;

/**
 * The options every Queue, Worker and QueueEvents of queue `name` is built with. On a single
 * Redis the prefix is `bullPrefix` (keys `<bullPrefix>:<name>:…`, as in earlier versions); on a
 * Redis Cluster it is `{<bullPrefix>:<name>}`, a hash tag per queue, so that each queue's keys
 * (which BullMQ's scripts touch together) share one slot while the queues spread over the nodes.
 * Whether it is a Cluster is read from the connection, so callers never decide it twice.
 */
export function bullQueueOptions<C extends Redis | Cluster>(connection: C, bullPrefixValue: string, name: string): QueueBaseOptions & { connection: C; prefix: string } {
  return { connection, prefix: connection.isCluster ? `{${bullPrefixValue}:${name}}` : bullPrefixValue };
}

/**
 * A connection as BullMQ workers need it: blocking commands never time out client-side, and a
 * lost server (a Redis restart, a failover) is reconnected to for as long as it takes, with
 * commands held meanwhile, so no service exits because Redis went away for a while. A target
 * with `cluster` connects to a Redis Cluster (see `createRedis`).
 */
export function bullConnection(url: string, onError?: (err: Error) => void): Redis;
export function bullConnection(target: RedisTarget | string, onError?: (err: Error) => void): RedisClient;
export function bullConnection(target: RedisTarget | string, onError?: (err: Error) => void): RedisClient {
  return createRedis(target, { maxRetriesPerRequest: null, ...(onError ? { onError } : {}) });
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
