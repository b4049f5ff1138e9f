import { z } from 'zod';
import { Approval, ActorSpec, ToolEffect } from './tools.ts';
import { ArtifactRef, ErrorInfo, Id, MissionStatus, ModelInfo, Report, ResolvedBudget, TaskStatus } from './mission.ts';
import { PlannerOperation } from './planner.ts';

/** Version of the event envelope. Bump on an incompatible change of any event's data. */
export const EVENT_SCHEMA_VERSION = 1;

const envelope = {
  /** The Redis stream id of the event (`<ms>-<seq>`); it orders a mission's events. */
  id: z.string().describe("The Redis stream id (`<ms>-<seq>`): it orders a mission's events; resume after it with Last-Event-ID or `after`."),
  missionId: Id.describe('The mission the event belongs to.'),
  ts: z.string().describe('When it was appended (ISO 8601).'),
  v: z.number().int().positive().default(EVENT_SCHEMA_VERSION).describe('Version of the event envelope.'),
  taskId: Id.optional().describe('The task it concerns, if any.'),
  actorId: Id.optional().describe('The actor it concerns, if any.'),
};

export const TokenUsage = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const ToolCall = z.object({ id: z.string().optional(), name: z.string(), args: z.unknown() });
export type ToolCall = z.infer<typeof ToolCall>;

/** The data carried by each known event type. */
export const EventData = {
  'mission.created': z.object({ goal: z.string(), budget: ResolvedBudget, model: ModelInfo, context: z.record(z.string(), z.unknown()).optional() }),
  'mission.status': z.object({ from: MissionStatus, to: MissionStatus, reason: z.string().optional() }),
  'plan.updated': z.object({
    version: z.number().int().nonnegative(),
    step: z.number().int().nonnegative(),
    thought: z.string().default(''),
    operations: z.array(PlannerOperation),
    added: z.array(Id).default([]),
    changed: z.array(Id).default([]),
    removed: z.array(Id).default([]),
  }),
  'plan.rejected': z.object({ step: z.number().int().nonnegative(), errors: z.array(z.string()), repair: z.boolean() }),
  'task.dispatched': z.object({ attempt: z.number().int().positive() }),
  'task.updated': z.object({ status: TaskStatus, reason: z.string().optional() }),
  'actor.spawned': z.object({
    persona: ActorSpec.shape.persona,
    bundles: z.array(z.string()),
    tools: z.array(z.string()),
    attempt: z.number().int().positive(),
  }),
  'actor.step': z.object({
    step: z.number().int().nonnegative(),
    thought: z.string().default(''),
    toolCall: ToolCall.optional(),
    observation: z.string().optional(),
    usage: TokenUsage.optional(),
    /** The actor worker that ran this step (set on the first step of each run; issue 5 routing). */
    workerId: z.string().optional(),
    /** The call repeated an earlier one with the same arguments (3 in a row): a loop the model was told of. */
    stall: z.boolean().optional(),
    /** What the runtime did about the model's behaviour at this step (a forced tool call, text taken as the report, a step-limit warning). */
    note: z.string().optional(),
  }),
  'actor.progress': z.object({ status: z.string(), message: z.string() }),
  'actor.reported': z.object({ report: Report }),
  /** External effects a tool call declared in its result (`effects`): the mission's side-effect ledger. */
  'effect.recorded': z.object({ tool: z.string(), step: z.number().int().nonnegative(), effects: z.array(ToolEffect).min(1).max(50) }),
  'approval.requested': z.object({ approval: Approval }),
  'approval.resolved': z.object({ approval: Approval }),
  'world.event': z.object({
    source: z.enum(['api', 'schedule', 'operator', 'tool']),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  usage: z.object({
    role: z.enum(['planner', 'factory', 'actor']),
    model: z.string(),
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
    cachedPromptTokens: z.number().int().nonnegative().optional(),
    reasoningTokens: z.number().int().nonnegative().optional(),
    costUsd: z.number().nonnegative(),
    /** `provider`: reported by the server (OpenRouter); `price_table`: priced by the runtime; `unknown`: no price (0). */
    costSource: z.enum(['provider', 'price_table', 'unknown']).optional(),
    /** The call failed for good (after retries): what went wrong; no tokens are counted for it. */
    error: z.string().optional(),
  }),
  /** Something an operator should know that is not an error (an unpriced model, a model fallback...). */
  warning: z.object({ code: z.string(), message: z.string(), data: z.record(z.string(), z.unknown()).optional() }),
  'mission.finished': z.object({
    status: z.enum(['succeeded', 'failed', 'cancelled']),
    answer: z.string().optional(),
    artifacts: z.array(ArtifactRef).default([]),
    error: ErrorInfo.optional(),
  }),
} as const;

export type KnownEventType = keyof typeof EventData;
export const KNOWN_EVENT_TYPES = Object.keys(EventData) as KnownEventType[];

const knownEvent = <T extends KnownEventType>(type: T) =>
  z.object({ ...envelope, type: z.literal(type), data: EventData[type] });

export const KnownEvent = z.discriminatedUnion('type', [
  knownEvent('mission.created'),
  knownEvent('mission.status'),
  knownEvent('plan.updated'),
  knownEvent('plan.rejected'),
  knownEvent('task.dispatched'),
  knownEvent('task.updated'),
  knownEvent('actor.spawned'),
  knownEvent('actor.step'),
  knownEvent('actor.progress'),
  knownEvent('actor.reported'),
  knownEvent('effect.recorded'),
  knownEvent('approval.requested'),
  knownEvent('approval.resolved'),
  knownEvent('world.event'),
  knownEvent('usage'),
  knownEvent('warning'),
  knownEvent('mission.finished'),
]);
export type KnownEvent = z.infer<typeof KnownEvent>;

/** An event of a type this version does not know (from a newer peer): kept, not rejected. */
export const GenericEvent = z.object({ ...envelope, type: z.string(), data: z.unknown(), generic: z.literal(true) });
export type GenericEvent = z.infer<typeof GenericEvent>;

export const Event = z
  .union([KnownEvent, GenericEvent])
  .describe("An entry of a mission's append-only event stream; `type` tells what `data` holds. A type this version does not know is kept as generic.");
export type Event = KnownEvent | GenericEvent;

export type EventOf<T extends KnownEventType> = Extract<KnownEvent, { type: T }>;
export type EventDataOf<T extends KnownEventType> = z.infer<(typeof EventData)[T]>;

/** An event before the store assigns its id and timestamp. */
export type NewEvent = {
  [T in KnownEventType]: { type: T; taskId?: string; actorId?: string; data: z.input<(typeof EventData)[T]> };
}[KnownEventType];

/** Any event's envelope with its type and data unread; built once (a zod schema built per call is compiled per call). */
const EventEnvelope = z.object({ ...envelope, type: z.string(), data: z.unknown() });
const KNOWN_TYPES: ReadonlySet<string> = new Set(KNOWN_EVENT_TYPES);

/**
 * Parses an event tolerantly: a known type must match its schema (else an error is thrown,
 * since that is a bug in a peer of the same version); an unknown type is kept as a GenericEvent.
 */
export function parseEvent(input: unknown): Event {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && KNOWN_TYPES.has(type)) return KnownEvent.parse(input);
  return { ...EventEnvelope.parse(input), generic: true };
}

export function isKnownEvent(e: Event): e is KnownEvent {
  return !('generic' in e);
}

/** Compares two Redis stream ids (`ms-seq`). Negative when a < b. */
export function compareEventIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const d = BigInt(am) - BigInt(bm);
  if (d !== 0n) return d < 0n ? -1 : 1;
  const s = BigInt(as) - BigInt(bs);
  return s === 0n ? 0 : s < 0n ? -1 : 1;
}
