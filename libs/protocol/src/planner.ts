import { z } from 'zod';
import { ArtifactRef, Id, Report, TaskProgress } from './mission.ts';

/** A new task as the planner writes it. */
export const NewTask = z.object({
  id: Id,
  parentId: Id.optional(),
  title: z.string().min(1).max(300),
  description: z.string().max(8000).default(''),
  completionCriteria: z.string().max(4000).default(''),
  dependsOn: z.array(Id).default([]),
});
export type NewTask = z.infer<typeof NewTask>;

/**
 * What the planner model may do to the task graph. The planner is the only writer of
 * the graph's structure; every operation is validated by the pure core before it is applied.
 */
export const PlannerOperation = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), task: NewTask }),
  z.object({
    op: z.literal('update'),
    id: Id,
    patch: z.object({
      title: z.string().min(1).max(300).optional(),
      description: z.string().max(8000).optional(),
      completionCriteria: z.string().max(4000).optional(),
      dependsOn: z.array(Id).optional(),
    }),
  }),
  z.object({ op: z.literal('remove'), id: Id }),
  z.object({ op: z.literal('skip'), id: Id, reason: z.string().max(2000).default('') }),
  /** Put a failed or blocked task back to pending so it can be dispatched again. */
  z.object({ op: z.literal('retry'), id: Id }),
  z.object({ op: z.literal('dispatch'), id: Id }),
  z.object({
    op: z.literal('finish'),
    status: z.enum(['succeeded', 'failed']),
    answer: z.string().min(1).max(20_000),
    artifacts: z.array(ArtifactRef).default([]),
  }),
]);
export type PlannerOperation = z.infer<typeof PlannerOperation>;

/** The planner model's whole answer for one step. */
export const PlannerOutput = z.object({
  thought: z.string().max(8000).default(''),
  operations: z.array(PlannerOperation).max(200),
});
export type PlannerOutput = z.infer<typeof PlannerOutput>;

/**
 * Operations the runtime itself applies (never the planner model): reports, progress,
 * actor assignment, blocking and cancellation.
 */
export const SystemOperation = z.discriminatedUnion('op', [
  z.object({ op: z.literal('assign'), id: Id, actorId: Id }),
  z.object({ op: z.literal('progress'), id: Id, progress: TaskProgress }),
  z.object({ op: z.literal('report'), id: Id, report: Report }),
  z.object({ op: z.literal('block'), id: Id, reason: z.string().max(2000) }),
  z.object({ op: z.literal('unblock'), id: Id }),
  z.object({ op: z.literal('cancel'), id: Id, reason: z.string().max(2000).default('') }),
]);
export type SystemOperation = z.infer<typeof SystemOperation>;

export const GraphOperation = z.union([PlannerOperation, SystemOperation]);
export type GraphOperation = PlannerOperation | SystemOperation;
