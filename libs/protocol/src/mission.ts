import { z } from 'zod';

/** Ids are opaque strings; mission ids are also used inside Redis hash tags, so no braces. */
export const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'ids may hold letters, digits and _ . : - only');
export type Id = z.infer<typeof Id>;

export const MissionStatus = z
  .enum(['queued', 'planning', 'running', 'paused', 'awaiting_approval', 'succeeded', 'failed', 'cancelled'])
  .describe('Where a mission is: it ends in succeeded, failed or cancelled, or waits visibly for a human (paused, awaiting_approval).');
export type MissionStatus = z.infer<typeof MissionStatus>;

export const TaskStatus = z
  .enum(['pending', 'ready', 'running', 'blocked', 'succeeded', 'failed', 'cancelled', 'skipped'])
  .describe('The stored status of a task in the graph.');
export type TaskStatus = z.infer<typeof TaskStatus>;

/**
 * What a task is doing as an operator sees it: its stored `status`, or in place of it
 * `awaiting_approval` (a call of its actor waits for an operator), `paused` (its mission is
 * paused) or `recovering` (its worker is gone). Derived when read, never stored.
 */
export const TaskState = z.enum([...TaskStatus.options, 'awaiting_approval', 'paused', 'recovering']);
export type TaskState = z.infer<typeof TaskState>;

/** A pointer to stored content (an artifact, a transcript, a report body). */
export const ArtifactRef = z
  .object({
    id: z.string().min(1).describe('The artifact id.'),
    name: z.string().min(1).max(200).describe('A file-like name, e.g. itinerary.md.'),
    mimeType: z.string().default('text/plain').describe('The media type of the content.'),
    /** Where the content lives: `artifact:<id>` in the mission store, or an external URI. */
    uri: z.string().min(1).describe('Where the content lives: `artifact:<id>` in the mission store, or an external URI.'),
    size: z.number().int().nonnegative().optional().describe('Size of the content in bytes.'),
    /** A short human-readable preview of the content. */
    preview: z.string().max(2000).optional().describe('A short human-readable preview of the content.'),
  })
  .describe('A pointer to stored content (an artifact, a transcript, a report body).');
export type ArtifactRef = z.infer<typeof ArtifactRef>;

/** AIME's structured conclusion of an actor. */
export const Report = z
  .object({
    status: z.enum(['succeeded', 'failed', 'blocked']).describe('How the subtask ended: blocked means it cannot go on without a change of plan.'),
    summary: z.string().min(1).max(8000).describe('What was done and found: the conclusion the planner reads.'),
    artifacts: z.array(ArtifactRef).default([]).describe('Content the actor produced.'),
    references: z.array(z.string().max(2000)).default([]).describe('Pointers to what the conclusion rests on (booking ids, URLs, record ids).'),
  })
  .describe("An actor's structured final report (AIME): status, conclusion summary, references.");
export type Report = z.infer<typeof Report>;

export const TaskProgress = z
  .object({
    status: z.string().max(200).describe('A short state word the actor chose, e.g. searching.'),
    message: z.string().max(4000).describe('What the actor is doing now.'),
    at: z.string().describe('When it said so (ISO 8601).'),
  })
  .describe("The last `update_progress` call of a task's actor.");
export type TaskProgress = z.infer<typeof TaskProgress>;

export const Task = z
  .object({
    id: Id.describe('The task id, unique within its mission.'),
    parentId: Id.optional().describe('The parent task in the hierarchical task list.'),
    title: z.string().min(1).max(300).describe('A short title.'),
    description: z.string().max(8000).default('').describe('What to do.'),
    completionCriteria: z.string().max(4000).default('').describe('How to know the task is done.'),
    status: TaskStatus,
    dependsOn: z.array(Id).default([]).describe('Tasks that must succeed before this one can run.'),
    attempts: z.number().int().nonnegative().default(0).describe('How many times it was dispatched.'),
    actorId: Id.optional().describe('The actor of its latest attempt.'),
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
  })
  .describe('A subtask of a mission: a node of the task graph the planner maintains.');
export type Task = z.infer<typeof Task>;

/** The live task graph of a mission. `version` increases by one on every write. */
export const TaskGraph = z
  .object({
    version: z.number().int().nonnegative().describe('Increases by one on every write of the graph.'),
    tasks: z.array(Task),
  })
  .describe('The live task graph of a mission.');
export type TaskGraph = z.infer<typeof TaskGraph>;

export const Budget = z
  .object({
    maxTokens: z.number().int().positive().optional().describe('Model tokens (prompt + completion) the mission may use in all.'),
    maxCostUsd: z.number().positive().optional().describe('Model cost in USD the mission may run up.'),
    maxWallMs: z.number().int().positive().optional().describe('Wall-clock time from submission, in milliseconds (paused time not counted).'),
    maxPlannerSteps: z.number().int().min(1).max(10_000).optional().describe('Planning steps the planner may take.'),
    maxParallelActors: z.number().int().min(1).max(64).optional().describe('Actors of this mission running at once.'),
  })
  .describe("A mission's limits; any left out take the server's defaults, and none may exceed its ceilings.");
export type Budget = z.infer<typeof Budget>;

/** A budget with every limit set (defaults filled in). */
export const ResolvedBudget = z
  .object({
    maxTokens: z.number().int().positive().describe('Model tokens (prompt + completion) the mission may use in all.'),
    maxCostUsd: z.number().positive().describe('Model cost in USD the mission may run up.'),
    maxWallMs: z.number().int().positive().describe('Wall-clock time from submission, in milliseconds.'),
    maxPlannerSteps: z.number().int().positive().describe('Planning steps the planner may take.'),
    maxParallelActors: z.number().int().min(1).max(64).describe('Actors of this mission running at once.'),
  })
  .describe('The budget a mission runs under, every limit set (defaults filled in).');
export type ResolvedBudget = z.infer<typeof ResolvedBudget>;

export const DEFAULT_BUDGET: ResolvedBudget = {
  maxTokens: 2_000_000,
  maxCostUsd: 10,
  maxWallMs: 30 * 60_000,
  maxPlannerSteps: 60,
  maxParallelActors: 4,
};

export const Usage = z
  .object({
    promptTokens: z.number().int().nonnegative().describe('Prompt tokens of every model call so far, failed ones included.'),
    completionTokens: z.number().int().nonnegative().describe('Completion tokens of every model call so far.'),
    /** Of `promptTokens`, those the provider served from its prompt cache (priced lower). */
    cachedPromptTokens: z.number().int().nonnegative().default(0),
    /** Of `completionTokens`, those a reasoning model spent thinking. */
    reasoningTokens: z.number().int().nonnegative().default(0),
    costUsd: z.number().nonnegative().describe('Model cost in USD so far.'),
    /**
     * False once any model call of the mission had no known price (counted as 0): `costUsd`
     * is then a lower bound and `maxCostUsd` cannot be enforced.
     */
    costKnown: z.boolean().default(true).describe('False once a model call had no known price: costUsd is then a lower bound.'),
    plannerSteps: z.number().int().nonnegative().describe('Planning steps taken.'),
    actors: z.number().int().nonnegative().describe('Actors spawned.'),
  })
  .describe("What a mission has used: tokens, cost, planner steps, actors.");
export type Usage = z.infer<typeof Usage>;
export const EMPTY_USAGE: Usage = { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, reasoningTokens: 0, costUsd: 0, costKnown: true, plannerSteps: 0, actors: 0 };

export const ModelInfo = z
  .object({
    planner: z.string().describe('The model of the planner role.'),
    factory: z.string().describe('The model of the actor factory role.'),
    actor: z.string().describe('The model of the actors.'),
    simulated: z.boolean().describe('True when the simulated model answers: label it "simulated model" wherever it is shown.'),
  })
  .describe('The models a mission runs on, per role.');
export type ModelInfo = z.infer<typeof ModelInfo>;

export const MissionResult = z
  .object({
    answer: z.string().describe('The final answer (Markdown).'),
    artifacts: z.array(ArtifactRef).default([]).describe('Content the mission produced.'),
  })
  .describe('What a finished mission produced.');
export type MissionResult = z.infer<typeof MissionResult>;

export const ErrorInfo = z
  .object({ code: z.string().describe('A stable code to match on.'), message: z.string().describe('What went wrong, for people.') })
  .describe('Why something failed.');
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

/** The fields a mission and its list summary both start with. */
const missionHeadFields = {
  id: Id.describe('The mission id (`m_…`).'),
  goal: z.string().describe('The goal as submitted.'),
  status: MissionStatus,
  createdAt: z.string().describe('When it was submitted (ISO 8601).'),
  updatedAt: z.string().describe('When anything of it last changed (ISO 8601).'),
  model: ModelInfo,
};

export const Mission = z
  .object({
    ...missionHeadFields,
    budget: ResolvedBudget,
    usage: Usage,
    /** Whether every model call of the mission could be priced (same as `usage.costKnown`). */
    costKnown: z.boolean().default(true).describe('Whether every model call could be priced (same as `usage.costKnown`).'),
    tasks: z.array(Task).describe('The live task graph, in the order the planner added the tasks.'),
    progressMarkdown: z.string().describe("The task list as AIME's hierarchical Markdown progress list."),
    /** The same leaf counts as the missions list shows. */
    progress: ProgressCounts.optional(),
    result: MissionResult.optional(),
    error: ErrorInfo.optional(),
    context: z.record(z.string(), z.unknown()).optional().describe('The context object given at submission.'),
    metadata: z.record(z.string(), z.unknown()).optional().describe('The metadata object given at submission.'),
  })
  .describe('A mission: its goal, status, task graph, usage and, once finished, its result or error.');
export type Mission = z.infer<typeof Mission>;

export const MissionSummary = z
  .object({
    ...missionHeadFields,
    usage: Usage,
    progress: ProgressCounts,
    /** Why a failed mission failed. */
    error: ErrorInfo.optional(),
  })
  .describe('A mission as lists show it (GET /v1/missions, the socket.io `missions` room).');
export type MissionSummary = z.infer<typeof MissionSummary>;
