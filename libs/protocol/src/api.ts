import { z } from 'zod';
import { Budget, MissionStatus, MissionSummary } from './mission.ts';
import { Event } from './events.ts';
import { Approval, ApprovalInboxItem, Bundle, LedgerEntry } from './tools.ts';
import { MissionSortKey, SortDirection } from './mission-query.ts';

/** A model spec as `AIME_MODEL` takes it: `sim`, `sim:<name>`, `openai:<model>` or a bare model name. */
const ModelSpecText = z.string().trim().min(1).max(200).regex(/^\S+$/, 'a model spec has no spaces, e.g. openai:gpt-4.1');

/** Size limits of request fields, in characters (goal, message) or UTF-8 bytes of their JSON (objects). */
export const REQUEST_LIMITS = {
  goalChars: 8000,
  contextBytes: 65_536,
  metadataBytes: 8192,
  eventMessageChars: 8000,
  eventDataBytes: 65_536,
  /** Deepest nesting of arrays and objects accepted in any JSON body. */
  jsonDepth: 32,
} as const;

// Marks every size refusal, so the API can count them apart from other validation errors.
const SIZE_MARK = 'is over the size limit';

/** UTF-8 byte length of a string, counted by hand: protocol runs anywhere (no TextEncoder/Buffer in its lib). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** UTF-8 bytes of `value` as JSON; Infinity when it cannot be serialised (a cycle cannot arrive over HTTP). */
function jsonBytes(value: unknown): number {
  try {
    return utf8Length(JSON.stringify(value));
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** A JSON object field capped at `maxBytes` of serialised JSON. */
function boundedObject(maxBytes: number) {
  return z
    .record(z.string(), z.unknown())
    .refine((v) => jsonBytes(v) <= maxBytes, { message: `${SIZE_MARK}: at most ${maxBytes} bytes of JSON` });
}

/** A trimmed, non-empty string of at most `max` characters, refused with the size-limit wording. */
function boundedText(max: number) {
  return z.string().trim().min(1).max(max, { message: `${SIZE_MARK}: at most ${max} characters` });
}

/** Whether a validation message is a size-limit refusal from these schemas. */
export function isSizeLimitMessage(message: string): boolean {
  return message.includes(SIZE_MARK);
}

export const CreateMissionRequest = z.object({
  goal: boundedText(REQUEST_LIMITS.goalChars),
  context: boundedObject(REQUEST_LIMITS.contextBytes).optional(),
  budget: Budget.optional(),
  metadata: boundedObject(REQUEST_LIMITS.metadataBytes).optional(),
  /**
   * Run this mission on other models than the server's defaults: one spec for every role
   * (`"openai:gpt-4.1"`) or per role. Only specs the operator allows (`AIME_ALLOWED_MODELS`).
   */
  model: z
    .union([
      ModelSpecText,
      z.object({ planner: ModelSpecText.optional(), factory: ModelSpecText.optional(), actor: ModelSpecText.optional() }).strict(),
    ])
    .optional(),
});
export type CreateMissionRequest = z.infer<typeof CreateMissionRequest>;

export const CreateMissionResponse = z.object({ id: z.string(), status: MissionStatus, createdAt: z.string() });
export type CreateMissionResponse = z.infer<typeof CreateMissionResponse>;

export const ListMissionsQuery = z.object({
  status: MissionStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
  /** The order: `created` (default) is the listing index's; the others sort a bounded scan. */
  sort: MissionSortKey.default('created'),
  dir: SortDirection.default('desc'),
  /** Text search over goal, id and failure reason (case-insensitive). */
  q: z.string().trim().max(200).optional(),
});
export type ListMissionsQuery = z.infer<typeof ListMissionsQuery>;

export const ListMissionsResponse = z.object({
  items: z.array(MissionSummary),
  nextCursor: z.string().optional(),
  /** A search or sort that read only the `MISSION_SCAN_LIMIT` most recent missions of the filter. */
  truncated: z.boolean().optional(),
});

/** `GET /v1/missions/totals`: the missions matching a filter and what they used together. */
export const MissionTotalsQuery = z.object({ status: MissionStatus.optional(), q: z.string().trim().max(200).optional() });
export type MissionTotalsQuery = z.infer<typeof MissionTotalsQuery>;
export const MissionTotalsResponse = z.object({
  missions: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  /** False when a mission counted used a model with no price (its calls count as $0). */
  costKnown: z.boolean(),
  /** Only the `MISSION_SCAN_LIMIT` most recent missions of the filter were added up. */
  truncated: z.boolean(),
});
export type MissionTotalsResponse = z.infer<typeof MissionTotalsResponse>;

/** `GET /v1/missions/counts`: how many missions there are, in all and per status (the list's tabs). */
export const MissionCountsResponse = z.object({ total: z.number().int().nonnegative(), byStatus: z.record(z.string(), z.number().int().nonnegative()) });
export type MissionCountsResponse = z.infer<typeof MissionCountsResponse>;
export type ListMissionsResponse = z.infer<typeof ListMissionsResponse>;

export const ListEventsQuery = z.object({
  after: z.string().regex(/^\d+-\d+$/, 'after must be an event id like 1700000000000-0').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type ListEventsQuery = z.infer<typeof ListEventsQuery>;

export const ListEventsResponse = z.object({ items: z.array(Event) });
export type ListEventsResponse = z.infer<typeof ListEventsResponse>;

export const ExternalEventRequest = z.object({
  type: z.literal('external'),
  message: boundedText(REQUEST_LIMITS.eventMessageChars),
  data: boundedObject(REQUEST_LIMITS.eventDataBytes).optional(),
});
export type ExternalEventRequest = z.infer<typeof ExternalEventRequest>;

export const ExternalEventResponse = z.object({ eventId: z.string() });

export const ApprovalDecisionRequest = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(2000).optional(),
});
export type ApprovalDecisionRequest = z.infer<typeof ApprovalDecisionRequest>;

export const ListApprovalsResponse = z.object({ items: z.array(Approval) });

/** `GET /v1/approvals`: what waits for an operator across missions. */
export const ListApprovalInboxQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) });
export const ListApprovalInboxResponse = z.object({ items: z.array(ApprovalInboxItem), total: z.number().int().nonnegative() });
export type ListApprovalInboxResponse = z.infer<typeof ListApprovalInboxResponse>;

/** `GET /v1/missions/:id/ledger`: the external effects that went through. */
export const LedgerResponse = z.object({
  items: z.array(LedgerEntry),
  /** Sums per currency of the entries with an amount. */
  totals: z.array(z.object({ currency: z.string(), amount: z.number() })),
});
export type LedgerResponse = z.infer<typeof LedgerResponse>;

/** `POST /v1/missions/:id/cancel` may say why (shown with the mission and in its events). */
export const CancelRequest = z.object({ reason: z.string().trim().max(2000).optional() }).nullish();
export type CancelRequest = z.infer<typeof CancelRequest>;
export const ListToolsResponse = z.object({ bundles: z.array(Bundle) });

export const ErrorCode = z.enum([
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'too_many_missions',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const Role = z.enum(['caller', 'operator']);
export type Role = z.infer<typeof Role>;

/** One tool call of an actor step, as the transcript keeps it. */
export const TranscriptCall = z.object({
  id: z.string(),
  name: z.string(),
  args: z.unknown().describe('The arguments (secrets redacted).'),
  /** The raw text when the model's arguments were not valid JSON. */
  invalidArgs: z.string().optional(),
});
export type TranscriptCall = z.infer<typeof TranscriptCall>;

/** One ReAct step of an actor: its thought, the calls it made and what each call answered. */
export const TranscriptStep = z
  .object({
    step: z.number().int().nonnegative(),
    thought: z.string(),
    calls: z.array(TranscriptCall),
    results: z.array(
      z.object({
        toolCallId: z.string(),
        name: z.string(),
        /** What the tool answered (secrets redacted; cut past `TRANSCRIPT_OBSERVATION_CHARS`). */
        observation: z.string(),
        truncated: z.boolean().optional(),
      }),
    ),
  })
  .describe("One step of an actor's ReAct loop.");
export type TranscriptStep = z.infer<typeof TranscriptStep>;

/** Characters of one observation a transcript answer carries at most. */
export const TRANSCRIPT_OBSERVATION_CHARS = 8000;

/** `GET /v1/missions/:id/actors/:actorId/transcript`: an actor's steps, oldest first. */
export const TranscriptResponse = z.object({ actorId: z.string(), items: z.array(TranscriptStep) });
export type TranscriptResponse = z.infer<typeof TranscriptResponse>;
