import { z } from 'zod';
import { Id } from './mission.ts';

/** BullMQ queue names. Queue payloads carry ids only; documents live in the store. */
export const QUEUES = {
  planner: 'aime-planner',
  factory: 'aime-factory',
  /** Actor jobs; issue-5 routing may add per-capability queues `aime-actors-<key>`. */
  actors: 'aime-actors',
} as const;

export const PlannerJob = z.object({ missionId: Id, reason: z.string().max(200).default('wake') });
export type PlannerJob = z.infer<typeof PlannerJob>;

export const FactoryJob = z.object({ missionId: Id, taskId: Id, attempt: z.number().int().positive() });
export type FactoryJob = z.infer<typeof FactoryJob>;

export const ActorJob = z.object({ missionId: Id, taskId: Id, actorId: Id });
export type ActorJob = z.infer<typeof ActorJob>;

/** An entry of a mission's planner inbox: what happened since the planner last looked. */
export const InboxItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('created'), eventId: z.string() }),
  z.object({ kind: z.literal('report'), eventId: z.string(), taskId: Id, actorId: Id.optional() }),
  z.object({ kind: z.literal('external'), eventId: z.string(), message: z.string(), data: z.record(z.string(), z.unknown()).optional() }),
  z.object({ kind: z.literal('operator'), eventId: z.string(), action: z.enum(['resume', 'cancel', 'approval']), note: z.string().optional() }),
  z.object({ kind: z.literal('tick'), eventId: z.string().optional(), reason: z.string() }),
]);
export type InboxItem = z.infer<typeof InboxItem>;
