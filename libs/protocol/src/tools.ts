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
});
export type Approval = z.infer<typeof Approval>;

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
