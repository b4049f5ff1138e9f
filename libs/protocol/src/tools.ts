import { z } from 'zod';
import { Id } from './mission.ts';

export const SideEffects = z.enum(['none', 'idempotent', 'external']);
export type SideEffects = z.infer<typeof SideEffects>;

/** A tool as advertised by a worker: what a model and the dashboard may see of it. */
export const ToolInfo = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1..64 of [a-zA-Z0-9_-]'),
  description: z.string(),
  /** JSON Schema of the tool's input. */
  inputSchema: z.record(z.string(), z.unknown()),
  sideEffects: SideEffects,
  requiresApproval: z.boolean().default(false),
});
export type ToolInfo = z.infer<typeof ToolInfo>;

export const Bundle = z.object({
  name: z.string().min(1),
  description: z.string(),
  tools: z.array(ToolInfo),
  /** How many live workers serve this bundle now. */
  workers: z.number().int().nonnegative().default(0),
});
export type Bundle = z.infer<typeof Bundle>;

export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const Approval = z.object({
  id: Id,
  missionId: Id,
  taskId: Id,
  actorId: Id,
  tool: z.string(),
  args: z.unknown(),
  status: ApprovalStatus,
  requestedAt: z.string(),
  resolvedAt: z.string().optional(),
  note: z.string().max(2000).optional(),
  /** Who decided (the API key's principal, or `planner` when the mission ended first). */
  decidedBy: z.string().max(200).optional(),
  /** How the tool touches the world, as it declares. */
  sideEffects: SideEffects.optional(),
  /** The actor's thought at the step that made the call: why it wants it. */
  thought: z.string().max(4000).optional(),
  /** What the call will cost, when the tool can say (`ToolDefinition.estimate`). */
  estimate: z
    .object({
      amount: z.number().nonnegative(),
      currency: z.string().min(1).max(10),
      /** What is left of the budget the tool spends from, before this call. */
      budgetLeft: z.number().optional(),
      budgetCurrency: z.string().min(1).max(10).optional(),
      note: z.string().max(500).optional(),
    })
    .optional(),
});
export type Approval = z.infer<typeof Approval>;

/** A pending approval as the cross-mission inbox lists it: with its mission's goal. */
export const ApprovalInboxItem = Approval.extend({ missionGoal: z.string() });
export type ApprovalInboxItem = z.infer<typeof ApprovalInboxItem>;

/**
 * An external effect a tool call had (a booking, a payment, a message sent), as the tool's
 * result declares it in `effects`. Effects stay done when a mission is cancelled: they make
 * the mission's side-effect ledger.
 */
export const ToolEffect = z.object({
  /** What kind of effect, e.g. `booking`, `payment`, `email`. */
  kind: z.string().min(1).max(60),
  /** The outside system's reference (a booking reference, a message id). */
  reference: z.string().min(1).max(200),
  description: z.string().max(500).optional(),
  amount: z.number().optional(),
  /** The amount in minor units (cents), for tools that count so. */
  amountMinor: z.number().int().optional(),
  currency: z.string().min(1).max(10).optional(),
  /** When it happened (ISO); the time of the call when not given. */
  at: z.string().optional(),
});
export type ToolEffect = z.infer<typeof ToolEffect>;

/** One line of a mission's side-effect ledger: an effect, the call that had it, and when. */
export const LedgerEntry = ToolEffect.extend({
  tool: z.string(),
  taskId: z.string().optional(),
  actorId: z.string().optional(),
  eventId: z.string(),
  at: z.string(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** What the Actor Factory builds for one subtask (AIME: persona, tools, knowledge, environment, format). */
export const ActorSpec = z.object({
  actorId: Id,
  missionId: Id,
  taskId: Id,
  attempt: z.number().int().positive(),
  persona: z.object({ name: z.string(), role: z.string(), traits: z.array(z.string()).default([]) }),
  bundles: z.array(z.string()),
  tools: z.array(z.string()),
  knowledge: z.string(),
  environment: z.object({
    now: z.string(),
    timezone: z.string().default('UTC'),
    permissions: z.array(z.string()).default([]),
  }),
  outputFormat: z.string(),
  systemPrompt: z.string(),
  maxSteps: z.number().int().positive(),
  createdAt: z.string(),
});
export type ActorSpec = z.infer<typeof ActorSpec>;
