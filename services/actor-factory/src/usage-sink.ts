import type { MissionStore } from '@aime/store';
import type { UsageRecord } from '@aime/models';

/**
 * Where the usage of each model call goes: the mission's counters and a `usage` event
 * attributed to the task and actor.
 */
export function usageSink(store: MissionStore): (u: UsageRecord) => Promise<void> {
  return async (u) => {
    await store.addUsage(u.missionId, { promptTokens: u.promptTokens, completionTokens: u.completionTokens, costUsd: u.costUsd });
    await store.appendEvent(u.missionId, {
      type: 'usage',
      ...(u.taskId ? { taskId: u.taskId } : {}),
      ...(u.actorId ? { actorId: u.actorId } : {}),
      data: { role: u.role, model: u.model, promptTokens: u.promptTokens, completionTokens: u.completionTokens, costUsd: u.costUsd },
    });
  };
}
