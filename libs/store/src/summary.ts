import { summarizeMission, taskCounts } from '@aime/core/views';
import type { Mission, MissionSummary, Task, TaskGraph, TaskProgress } from '@aime/protocol';
import type { MissionRecord } from './types.ts';

/** Progress over leaf tasks (tasks no other task names as parent): done = finished in any way. */
export function leafProgress(tasks: readonly Task[]): { done: number; total: number } {
  const { done, total } = taskCounts(tasks);
  return { done, total };
}

/** The list view of a mission: one computation, in `@aime/core`, for the list, the page and the API. */
export function summarize(record: MissionRecord, graph: TaskGraph): MissionSummary {
  return summarizeMission(record, graph.tasks);
}

/**
 * The API `Mission` shape: the record plus the graph's tasks and the rendered progress list.
 * `progress` (from `getProgress`) overlays a task's progress when it is newer than the graph's,
 * because actors write progress without rewriting the graph.
 */
export function missionFromRecord(
  record: MissionRecord,
  graph: TaskGraph,
  progressMarkdown: string,
  progress?: Record<string, TaskProgress>,
): Mission {
  const tasks = progress
    ? graph.tasks.map((t) => {
        const p = progress[t.id];
        return p && (!t.progress || p.at > t.progress.at) ? { ...t, progress: p } : t;
      })
    : graph.tasks;
  const mission: Mission = {
    id: record.id,
    goal: record.goal,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    model: record.model,
    budget: record.budget,
    usage: record.usage,
    costKnown: record.usage.costKnown,
    tasks,
    progressMarkdown,
    progress: taskCounts(tasks),
  };
  if (record.result !== undefined) mission.result = record.result;
  if (record.error !== undefined) mission.error = record.error;
  if (record.context !== undefined) mission.context = record.context;
  if (record.metadata !== undefined) mission.metadata = record.metadata;
  return mission;
}
