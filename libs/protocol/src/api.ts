import { z } from 'zod';
import { Budget, MissionStatus, MissionSummary } from './mission.ts';
import { Event } from './events.ts';
import { Approval, Bundle } from './tools.ts';

/** A model spec as `AIME_MODEL` takes it: `sim`, `sim:<name>`, `openai:<model>` or a bare model name. */
const ModelSpecText = z.string().trim().min(1).max(200).regex(/^\S+$/, 'a model spec has no spaces, e.g. openai:gpt-4.1');

export const CreateMissionRequest = z.object({
  goal: z.string().trim().min(1).max(8000),
  context: z.record(z.string(), z.unknown()).optional(),
  budget: Budget.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
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
});
export type ListMissionsQuery = z.infer<typeof ListMissionsQuery>;

export const ListMissionsResponse = z.object({ items: z.array(MissionSummary), nextCursor: z.string().optional() });
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
  message: z.string().trim().min(1).max(8000),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type ExternalEventRequest = z.infer<typeof ExternalEventRequest>;

export const ExternalEventResponse = z.object({ eventId: z.string() });

export const ApprovalDecisionRequest = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(2000).optional(),
});
export type ApprovalDecisionRequest = z.infer<typeof ApprovalDecisionRequest>;

export const ListApprovalsResponse = z.object({ items: z.array(Approval) });
export const ListToolsResponse = z.object({ bundles: z.array(Bundle) });

export const ErrorCode = z.enum([
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const Role = z.enum(['caller', 'operator']);
export type Role = z.infer<typeof Role>;
