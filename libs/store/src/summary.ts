import { missionView, summarizeMission } from '@aime/core/views';
import type { Mission, MissionSummary, TaskGraph, TaskProgress } from '@aime/protocol';
import type { MissionRecord } from './types.ts';

/*
 * The store only hands its records to the derived views of @aime/core, so the missions list,
 * the mission page and the API count progress one way.
 */

/** The list view of a mission (`summarizeMission` of @aime/core). */
export function summarize(record: MissionRecord, graph: TaskGraph): MissionSummary {
  return summarizeMission(record, graph.tasks);
}

/** The API `Mission` of a record and its graph (`missionView` of @aime/core); `progress` overlays newer task progress. */
export function missionFromRecord(record: MissionRecord, graph: TaskGraph, progressMarkdown: string, progress?: Record<string, TaskProgress>): Mission {
  return missionView(record, graph.tasks, progressMarkdown, progress);
}
