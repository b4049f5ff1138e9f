import type { Approval } from '@aime/protocol';
import { z } from 'zod';
import { formatIssues } from '@aime/protocol';
import { StoreError } from './errors.ts';

/*
 * The small named records of a mission (markers, checkpoints, counters), one zod schema each.
 * Every record is parsed on read: a record that does not match reads as StoreError `corrupt`
 * naming the record, never as a crash deep inside its reader. The schemas also accept what
 * earlier versions wrote (they wrote the same shapes through a generic JSON channel).
 */

/** One tool call of a step, as the actor checkpoints it. */
export const StoredToolCallRecord = z.object({
  id: z.string(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()),
  invalidArgs: z.string().optional(),
  invalidReason: z.string().optional(),
});

/** The step an actor is working on: the model's answer and the calls done so far. */
export const PendingStep = z.object({
  step: z.number().int().nonnegative(),
  ai: z.object({ content: z.string(), tool_calls: z.array(StoredToolCallRecord) }),
  results: z.array(z.object({ toolCallId: z.string(), name: z.string(), observation: z.string() })),
});
export type PendingStep = z.infer<typeof PendingStep>;

/** An actor handed in its report (the `actor.reported` event). */
export const ReportedMarker = z.object({ eventId: z.string(), at: z.string() });
export type ReportedMarker = z.infer<typeof ReportedMarker>;

/** The actor queue the factory routed an actor to. */
export const ActorQueueRecord = z.object({ queue: z.string().min(1) });

/**
 * The heartbeat of one running actor: which worker runs it and when that worker last said so.
 * The worker rewrites it on every heartbeat while the actor's job runs, and marks it `ended`
 * when the job returns. A lease past `beatAt + ttlMs` and not ended means the worker is gone.
 */
export const ActorLease = z.object({
  workerId: z.string(),
  /** ISO time of the last beat. */
  beatAt: z.string(),
  /** How long a beat counts as alive. */
  ttlMs: z.number().int().positive(),
  /** The job returned (reported, failed or was cancelled): no beat is expected any more. */
  ended: z.boolean().optional(),
});
export type ActorLease = z.infer<typeof ActorLease>;

/** `approval.requested` was appended for an approval (its event id). */
export const ApprovalRequestedMarker = z.object({ eventId: z.string() });

/**
 * A decision on an approval, as its write-once marker holds it. It carries the whole decision,
 * so a marker whose record is still pending (data of versions that wrote the two apart) can be
 * finished exactly as the decider meant it. Markers of those versions may lack `resolvedAt`.
 */
export const ApprovalDecision = z.object({
  decision: z.enum(['approve', 'reject']),
  by: z.string(),
  note: z.string().max(2000).optional(),
  resolvedAt: z.string().optional(),
});
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** One planner step as stall detection remembers it. */
export const StallEntry = z.object({ step: z.number().int(), graphVersion: z.number().int(), statusFingerprint: z.string() });
export type StallEntry = z.infer<typeof StallEntry>;
export const StallHistory = z.array(StallEntry);

/** `mission.finished` was appended, with this status. */
export const FinishedMarker = z.object({ status: z.enum(['succeeded', 'failed', 'cancelled']) });

/** How often the reconciler repaired one actor's lost work. */
export const RepairCount = z.object({ count: z.number().int().nonnegative() });

/** The unknown-price warning was appended once for the mission (for this model). */
export const UnknownPriceMarker = z.object({ model: z.string() });

/** What the planner keeps between its steps. */
export const PlannerStateRecord = z.object({
  /** News (reports, outside events…) not yet answered by a usable planner answer. */
  news: z.array(z.unknown()).default([]),
  /** Steps in a row without a usable planner answer. */
  badSteps: z.number().int().nonnegative().default(0),
});

/** Parses a stored JSON record; `null` for an absent one, StoreError `corrupt` for one that does not match. */
export function parseRecord<S extends z.ZodType>(schema: S, json: string | null | undefined, what: string, details: Record<string, unknown>): z.output<S> | null {
  if (json === null || json === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new StoreError('corrupt', `the stored ${what} is not JSON`, details);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreError('corrupt', `the stored ${what} is malformed: ${formatIssues(parsed.error.issues, { style: 'inline' })}`, details);
  return parsed.data;
}

/** Validates a record before it is written (`invalid` on a caller's bug) and returns its JSON. */
export function encodeRecord<S extends z.ZodType>(schema: S, value: z.input<S>, what: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreError('invalid', `${what} is invalid: ${formatIssues(parsed.error.issues, { style: 'inline' })}`);
  return JSON.stringify(parsed.data);
}

/** The approval as `decision` resolves it. */
export function resolveApproval(approval: Approval, decision: ApprovalDecision, now: () => Date = () => new Date()): Approval {
  return {
    ...approval,
    status: decision.decision === 'approve' ? 'approved' : 'rejected',
    resolvedAt: decision.resolvedAt ?? now().toISOString(),
    // Who decided (the API principal, or `planner`), kept on the record as well as on the marker.
    decidedBy: decision.by.slice(0, 200),
    ...(decision.note === undefined ? {} : { note: decision.note }),
  };
}
