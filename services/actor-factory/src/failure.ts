import { FactoryJob } from '@aime/protocol';
import { submitReport, type ReportDeps } from '@aime/queues';
import type { FactoryStore } from '@aime/store';
import { actorIdOf } from './build-spec.ts';

/**
 * A factory job that failed for good would leave its task running with no actor: hand in a
 * failed report in the actor's name instead, so the planner hears of it and can replan.
 * Returns the report's event id, or null when the task no longer waits for this attempt.
 */
export async function reportUnbuiltActor(deps: ReportDeps<FactoryStore>, data: unknown, cause: Error): Promise<string | null> {
  const parsed = FactoryJob.safeParse(data);
  if (!parsed.success) return null;
  const { missionId, taskId, attempt } = parsed.data;
  const task = (await deps.store.readGraph(missionId)).tasks.find((t) => t.id === taskId);
  if (!task || task.status !== 'running' || task.attempts !== attempt) return null;
  return submitReport(deps, { missionId, taskId, actorId: actorIdOf(taskId, attempt) }, {
    status: 'failed',
    summary: `No actor could be built for this task: ${cause.message}`,
    artifacts: [],
    references: [],
  });
}
