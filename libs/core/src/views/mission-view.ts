import type { Mission, ResolvedBudget, Task, TaskProgress } from '@aime/protocol';
import { taskCounts } from './progress.ts';
import { missionHead, type SummarySource } from './summary.ts';

/** The fields of a stored mission the API's `Mission` is made of (the store's record has them all). */
export interface MissionSource extends SummarySource {
  budget: ResolvedBudget;
  context?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  result?: Mission['result'];
}

/**
 * The tasks with each one's latest progress: `progress` (the store's per-task progress, which
 * actors write without rewriting the graph) wins where it is newer than the graph's.
 */
export function withLatestProgress(tasks: readonly Task[], progress?: Record<string, TaskProgress>): Task[] {
  if (!progress) return [...tasks];
  return tasks.map((t) => {
    const p = progress[t.id];
    return p && (!t.progress || p.at > t.progress.at) ? { ...t, progress: p } : t;
  });
}

/**
 * The API `Mission` shape (the mission page's data): the record plus the tasks, the rendered
 * progress list and the progress counts of `taskCounts`, the same counts the list's summary has.
 * Fields the caller must not see (the owner) are left out.
 */
export function missionView(record: MissionSource, tasks: readonly Task[], progressMarkdown: string, progress?: Record<string, TaskProgress>): Mission {
  const shown = withLatestProgress(tasks, progress);
  const mission: Mission = {
    ...missionHead(record),
    budget: record.budget,
    usage: record.usage,
    costKnown: record.usage.costKnown,
    tasks: shown,
    progressMarkdown,
    progress: taskCounts(shown),
  };
  if (record.result !== undefined) mission.result = record.result;
  if (record.error !== undefined) mission.error = record.error;
  if (record.context !== undefined) mission.context = record.context;
  if (record.metadata !== undefined) mission.metadata = record.metadata;
  return mission;
}
