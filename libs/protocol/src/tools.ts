import { z } from 'zod';
import { Id } from './mission.ts';

export const SideEffects = z.enum(['none', 'idempotent', 'external']);
export type SideEffects = z.infer<typeof SideEffects>;

/** A tool as advertised by a worker: what a model and the dashboard may see of it. */
export const ToolInfo = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1..64 of [a-zA-Z0-9_-]').describe('The tool name a model calls.'),
    description: z.string().describe('What the tool does, as the model reads it.'),
    /** JSON Schema of the tool's input. */
    inputSchema: z.record(z.string(), z.unknown()).describe("JSON Schema of the tool's input."),
    sideEffects: SideEffects.describe('none, idempotent (safe to repeat), or external (changes the world: booked once per idempotency key).'),
    requiresApproval: z.boolean().default(false).describe('Whether a call waits for an operator to approve it.'),
  })
  .describe('A tool as a worker advertises it.');
export type ToolInfo = z.infer<typeof ToolInfo>;

export const Bundle = z
  .object({
    name: z.string().min(1).describe('The bundle name the actor factory picks by.'),
    description: z.string().describe('What the bundle is for.'),
    tools: z.array(ToolInfo),
    /** How many live workers serve this bundle now. */
    workers: z.number().int().nonnegative().default(0).describe('How many live workers serve this bundle now.'),
  })
  .describe('A set of tools that live actor workers serve.');
export type Bundle = z.infer<typeof Bundle>;

export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const Approval = z
  .object({
    id: Id.describe('The approval id: POST /v1/approvals/{approvalId} decides it.'),
    missionId: Id.describe('The mission of the call.'),
    taskId: Id.describe('The task whose actor made the call.'),
    actorId: Id.describe('The actor that made the call.'),
    tool: z.string().describe('The tool called.'),
    args: z.unknown().describe('The arguments of the call (secrets redacted).'),
    status: ApprovalStatus.describe('pending until an operator decides.'),
    requestedAt: z.string().describe('When the actor asked (ISO 8601).'),
    resolvedAt: z.string().optional().describe('When it was decided (ISO 8601).'),
    note: z.string().max(2000).optional().describe("The decider's note, shown to the actor."),
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
  })
  .describe('A risky tool call waiting for, or decided by, an operator.');
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
