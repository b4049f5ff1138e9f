import { redactText } from '@aime/protocol';
import type { ErrorInfo, MissionStatus, MissionSummary, ModelInfo, Task, Usage } from '@aime/protocol';
import { taskCounts } from './progress.ts';

/** The fields of a stored mission a summary is made of. */
export interface SummarySource {
  id: string;
  goal: string;
  status: MissionStatus;
  createdAt: string;
  updatedAt: string;
  model: ModelInfo;
  usage: Usage;
  error?: ErrorInfo;
}

/** The fields a mission's list row and its page both start with, in that order. */
export function missionHead(record: SummarySource): Pick<MissionSummary, 'id' | 'goal' | 'status' | 'createdAt' | 'updatedAt' | 'model'> {
  return { id: record.id, goal: record.goal, status: record.status, createdAt: record.createdAt, updatedAt: record.updatedAt, model: record.model };
}

/** The list view of a mission (`MissionSummary`), with the progress counts of `taskCounts`. */
export function summarizeMission(record: SummarySource, tasks: readonly Task[]): MissionSummary {
  const summary: MissionSummary = {
    ...missionHead(record),
    usage: record.usage,
    progress: taskCounts(tasks),
  };
  // Shown in list rows: an error message may quote a provider's answer, so secrets are scrubbed.
  if (record.error !== undefined) summary.error = { code: record.error.code, message: redactText(record.error.message) };
  return summary;
}
