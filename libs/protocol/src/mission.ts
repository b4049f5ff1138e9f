import { z } from 'zod';

/** Ids are opaque strings; mission ids are also used inside Redis hash tags, so no braces. */
export const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'ids may hold letters, digits and _ . : - only');
export type Id = z.infer<typeof Id>;

export const MissionStatus = z.enum(['queued', 'planning', 'running', 'paused', 'awaiting_approval', 'succeeded', 'failed', 'cancelled']);
export type MissionStatus = z.infer<typeof MissionStatus>;
export const TERMINAL_MISSION_STATUSES: readonly MissionStatus[] = ['succeeded', 'failed', 'cancelled'];
export function isTerminalMissionStatus(s: MissionStatus): boolean {
  return TERMINAL_MISSION_STATUSES.includes(s);
}

export const TaskStatus = z.enum(['pending', 'ready', 'running', 'blocked', 'succeeded', 'failed', 'cancelled', 'skipped']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/**
 * What a task is doing as an operator sees it: its stored `status`, or in place of it
 * `awaiting_approval` (a call of its actor waits for an operator), `paused` (its mission is
 * paused) or `recovering` (its worker is gone). Derived when read, never stored.
 */
export const TaskState = z.enum([...TaskStatus.options, 'awaiting_approval', 'paused', 'recovering']);
export type TaskState = z.infer<typeof TaskState>;

/** A pointer to stored content (an artifact, a transcript, a report body). */
export const ArtifactRef = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(200),
  mimeType: z.string().default('text/plain'),
  /** Where the content lives: `artifact:<id>` in the mission store, or an external URI. */
  uri: z.string().min(1),
  size: z.number().int().nonnegative().optional(),
  /** A short human-readable preview of the content. */
  preview: z.string().max(2000).optional(),
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;

/** AIME's structured conclusion of an actor. */
export const Report = z.object({
  status: z.enum(['succeeded', 'failed', 'blocked']),
  summary: z.string().min(1).max(8000),
  artifacts: z.array(ArtifactRef).default([]),
  references: z.array(z.string().max(2000)).default([]),
});
export type Report = z.infer<typeof Report>;

export const TaskProgress = z.object({
  status: z.string().max(200),
  message: z.string().max(4000),
  at: z.string(),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

export const Task = z.object({
  id: Id,
  parentId: Id.optional(),
  title: z.string().min(1).max(300),
  description: z.string().max(8000).default(''),
  completionCriteria: z.string().max(4000).default(''),
  status: TaskStatus,
  dependsOn: z.array(Id).default([]),
  attempts: z.number().int().nonnegative().default(0),
  actorId: Id.optional(),
  progress: TaskProgress.optional(),
  report: Report.optional(),
  /** Why the task is blocked or was skipped/cancelled, when it is. */
  reason: z.string().max(2000).optional(),
  /**
   * Set on a `running` task whose actor's worker stopped heartbeating (it crashed or lost Redis):
   * the task waits for another worker to take the job over. `since` is when its worker was last
   * heard from (ISO). Derived when the mission is read, never stored in the graph.
   */
  recovering: z.object({ since: z.string() }).optional(),
  /** What the task is doing as shown to operators (see `TaskState`); derived when the mission is read. */
  state: TaskState.optional(),
  /** The task that replaced this one after a replan (derived from the graph when read). */
  replacedBy: Id.optional(),
  /** A succeeded task whose result no longer holds: what used it was replaced (e.g. the search that chose a train that sold out). */
  stale: z.boolean().optional(),
});
export type Task = z.infer<typeof Task>;

/** The live task graph of a mission. `version` increases by one on every write. */
export const TaskGraph = z.object({
  version: z.number().int().nonnegative(),
  tasks: z.array(Task),
});
export type TaskGraph = z.infer<typeof TaskGraph>;

export const Budget = z.object({
  maxTokens: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
  maxWallMs: z.number().int().positive().optional(),
  maxPlannerSteps: z.number().int().min(1).max(10_000).optional(),
  maxParallelActors: z.number().int().min(1).max(64).optional(),
});
export type Budget = z.infer<typeof Budget>;

/** A budget with every limit set (defaults filled in). */
export const ResolvedBudget = z.object({
  maxTokens: z.number().int().positive(),
  maxCostUsd: z.number().positive(),
  maxWallMs: z.number().int().positive(),
  maxPlannerSteps: z.number().int().positive(),
  maxParallelActors: z.number().int().min(1).max(64),
});
export type ResolvedBudget = z.infer<typeof ResolvedBudget>;

export const DEFAULT_BUDGET: ResolvedBudget = {
  maxTokens: 2_000_000,
  maxCostUsd: 10,
  maxWallMs: 30 * 60_000,
  maxPlannerSteps: 60,
  maxParallelActors: 4,
};

export const Usage = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** Of `promptTokens`, those the provider served from its prompt cache (priced lower). */
  cachedPromptTokens: z.number().int().nonnegative().default(0),
  /** Of `completionTokens`, those a reasoning model spent thinking. */
  reasoningTokens: z.number().int().nonnegative().default(0),
  costUsd: z.number().nonnegative(),
  /**
   * False once any model call of the mission had no known price (counted as 0): `costUsd`
   * is then a lower bound and `maxCostUsd` cannot be enforced.
   */
  costKnown: z.boolean().default(true),
  plannerSteps: z.number().int().nonnegative(),
  actors: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;
export const EMPTY_USAGE: Usage = { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, reasoningTokens: 0, costUsd: 0, costKnown: true, plannerSteps: 0, actors: 0 };

export const ModelInfo = z.object({
  planner: z.string(),
  factory: z.string(),
  actor: z.string(),
  simulated: z.boolean(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const MissionResult = z.object({
  answer: z.string(),
  artifacts: z.array(ArtifactRef).default([]),
});
export type MissionResult = z.infer<typeof MissionResult>;

export const ErrorInfo = z.object({ code: z.string(), message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/**
 * Leaf-task counts of a mission: `done` = finished in any way (succeeded, failed, cancelled
 * or skipped), and each outcome apart, so a failed mission never reads as "all done".
 * One computation (`@aime/core` `taskCounts`) serves the list, the mission page and the API.
 */
export const ProgressCounts = z.object({
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative().optional(),
  failed: z.number().int().nonnegative().optional(),
  cancelled: z.number().int().nonnegative().optional(),
  skipped: z.number().int().nonnegative().optional(),
  running: z.number().int().nonnegative().optional(),
});
export type ProgressCounts = z.infer<typeof ProgressCounts>;

export const Mission = z.object({
  id: Id,
  goal: z.string(),
  status: MissionStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  model: ModelInfo,
  budget: ResolvedBudget,
  usage: Usage,
  /** Whether every model call of the mission could be priced (same as `usage.costKnown`). */
  costKnown: z.boolean().default(true),
  tasks: z.array(Task),
  progressMarkdown: z.string(),
  /** The same leaf counts as the missions list shows. */
  progress: ProgressCounts.optional(),
  result: MissionResult.optional(),
  error: ErrorInfo.optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type Mission = z.infer<typeof Mission>;

export const MissionSummary = z.object({
  id: Id,
  goal: z.string(),
  status: MissionStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  model: ModelInfo,
  usage: Usage,
  progress: ProgressCounts,
  /** Why a failed mission failed. */
  error: ErrorInfo.optional(),
});
export type MissionSummary = z.infer<typeof MissionSummary>;
