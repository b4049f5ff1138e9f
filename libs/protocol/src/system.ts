import { z } from 'zod';

/** A live actor worker, from its advert in the registry (`GET /v1/system`). */
export const SystemWorker = z.object({
  workerId: z.string(),
  /** Host name of the machine it runs on, when it said. */
  host: z.string().optional(),
  pid: z.number().int().optional(),
  /** The BullMQ queue it takes actor jobs from (one per set of bundles). */
  queue: z.string(),
  bundles: z.array(z.string()),
  /** Actor jobs it runs at once. */
  concurrency: z.number().int().optional(),
  /** Actor jobs running on it at its last heartbeat. */
  busy: z.number().int().optional(),
  startedAt: z.string(),
  /** Its last heartbeat (ISO time); the advert expires after 3 missed beats. */
  lastHeartbeat: z.string().optional(),
});
export type SystemWorker = z.infer<typeof SystemWorker>;

/** Job counts of one BullMQ queue. `waiting` includes prioritized jobs. */
export const QueueDepth = z.object({
  name: z.string(),
  /** `planner`, `factory` or `actors` (a capability queue). */
  kind: z.enum(['planner', 'factory', 'actors', 'other']),
  waiting: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  failed: z.number().int(),
});
export type QueueDepth = z.infer<typeof QueueDepth>;

/** One repair the reconciler made (its `warning` event with code `reconciled`). */
export const ReconcilerRepair = z.object({
  at: z.string(),
  missionId: z.string(),
  eventId: z.string(),
  taskId: z.string().optional(),
  /** What it repaired, e.g. `actor_requeued`. */
  kind: z.string(),
  message: z.string(),
});
export type ReconcilerRepair = z.infer<typeof ReconcilerRepair>;

/** Redis as INFO reports it. */
export const RedisStats = z.object({
  version: z.string(),
  usedMemoryBytes: z.number(),
  usedMemoryHuman: z.string(),
  /** 0 when no limit is set. */
  maxMemoryBytes: z.number(),
  connectedClients: z.number().int(),
  uptimeSeconds: z.number().int(),
});
export type RedisStats = z.infer<typeof RedisStats>;

/** `GET /v1/system` (operators): the machinery behind the missions. */
export const SystemView = z.object({
  at: z.string(),
  workers: z.array(SystemWorker),
  queues: z.array(QueueDepth),
  /** The reconciler's repairs of the last hour, newest first (at most 50). */
  repairs: z.array(ReconcilerRepair),
  redis: RedisStats,
});
export type SystemView = z.infer<typeof SystemView>;

/** `POST /v1/system/queues/:queue/failed/retry|drop`: how many failed jobs were retried or dropped. */
export const FailedJobsActionResponse = z.object({ queue: z.string(), action: z.enum(['retry', 'drop']), count: z.number().int() });
export type FailedJobsActionResponse = z.infer<typeof FailedJobsActionResponse>;
