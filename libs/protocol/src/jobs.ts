import { z } from 'zod';
import { Id } from './mission.ts';

/** BullMQ queue names. Queue payloads carry ids only; documents live in the store. */
export const QUEUES = {
  planner: 'aime-planner',
  factory: 'aime-factory',
  /** Actor jobs; issue-5 routing may add per-capability queues `aime-actors-<key>`. */
  actors: 'aime-actors',
} as const;

/**
 * How the reason of a task blocked for want of a live worker starts (`waiting for a live worker
 * serving bundle "x"`). The planner waits for such a task instead of replanning it; the Actor
 * Factory unblocks it when a worker serving what it needs appears.
 */
export const CAPABILITY_WAIT_REASON = 'waiting for a live worker';

export const PlannerJob = z.object({ missionId: Id, reason: z.string().max(200).default('wake') });
export type PlannerJob = z.infer<typeof PlannerJob>;

/**
 * W3C trace context of the span that enqueued a job (OpenTelemetry), so the work it starts in
 * another process joins the mission's trace. Absent when tracing is off.
 */
export const TraceContext = z.object({
  traceparent: z.string().regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/),
  tracestate: z.string().max(512).optional(),
});
export type TraceContext = z.infer<typeof TraceContext>;

export const FactoryJob = z.object({ missionId: Id, taskId: Id, attempt: z.number().int().positive(), trace: TraceContext.optional() });
export type FactoryJob = z.infer<typeof FactoryJob>;

export const ActorJob = z.object({ missionId: Id, taskId: Id, actorId: Id, trace: TraceContext.optional() });
export type ActorJob = z.infer<typeof ActorJob>;

/** An entry of a mission's planner inbox: what happened since the planner last looked. */
export const InboxItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('created'), eventId: z.string() }),
  z.object({ kind: z.literal('report'), eventId: z.string(), taskId: Id, actorId: Id.optional() }),
  z.object({ kind: z.literal('external'), eventId: z.string(), message: z.string(), data: z.record(z.string(), z.unknown()).optional() }),
  z.object({ kind: z.literal('operator'), eventId: z.string(), action: z.enum(['resume', 'cancel', 'approval']), note: z.string().optional() }),
  z.object({ kind: z.literal('tick'), eventId: z.string().optional(), reason: z.string() }),
  /** The factory could not spawn: no live worker serves the task's bundles (issue 5). */
  z.object({ kind: z.literal('blocked'), eventId: z.string().optional(), taskId: Id, reason: z.string() }),
  /** A live worker now serves what a blocked task was waiting for. */
  z.object({ kind: z.literal('unblocked'), eventId: z.string().optional(), taskId: Id }),
  /** An operator resolved an approval a waiting actor asked for. */
  z.object({
    kind: z.literal('approval'),
    eventId: z.string(),
    approvalId: Id,
    taskId: Id,
    actorId: Id,
    decision: z.enum(['approve', 'reject']),
  }),
]);
export type InboxItem = z.infer<typeof InboxItem>;
