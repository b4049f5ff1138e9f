import type { MissionStore } from './types.ts';

/** One model call's usage, attributed (the shape of `@aime/models`' UsageRecord). */
export interface ModelUsage {
  missionId: string;
  taskId?: string;
  actorId?: string;
  role: 'planner' | 'factory' | 'actor';
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Adds a model call to the mission's counters and appends its `usage` event. */
export async function recordModelUsage(store: MissionStore, u: ModelUsage): Promise<void> {
  await store.addUsage(u.missionId, { promptTokens: u.promptTokens, completionTokens: u.completionTokens, costUsd: u.costUsd });
  await store.appendEvent(u.missionId, {
    type: 'usage',
    ...(u.taskId ? { taskId: u.taskId } : {}),
    ...(u.actorId ? { actorId: u.actorId } : {}),
    data: { role: u.role, model: u.model, promptTokens: u.promptTokens, completionTokens: u.completionTokens, costUsd: u.costUsd },
  });
}

/** A usage sink for `createUsageCallback` that records into the store. */
export const usageSink =
  (store: MissionStore) =>
  (u: ModelUsage): Promise<void> =>
    recordModelUsage(store, u);
