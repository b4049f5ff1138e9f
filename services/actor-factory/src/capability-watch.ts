import type { Logger } from 'pino';
import { isTerminalMissionStatus } from '@aime/protocol';
import { routeActorJob, type CapabilityWait, type MissionStore } from '@aime/store';

export interface CapabilityWatchDeps {
  store: MissionStore;
  wake(missionId: string, reason: string): Promise<void>;
  logger: Logger;
}

/** Whether the wait still stands for a task: its attempt is current and it is running (not yet blocked) or blocked. */
async function stillWaiting(store: MissionStore, wait: CapabilityWait): Promise<boolean> {
  const mission = await store.getMission(wait.missionId);
  if (!mission || isTerminalMissionStatus(mission.status)) return false;
  const task = (await store.readGraph(wait.missionId)).tasks.find((t) => t.id === wait.taskId);
  return !!task && task.attempts === wait.attempt && (task.status === 'blocked' || task.status === 'running');
}

/**
 * One look at every task waiting for a live worker: a wait whose task moved on (skipped,
 * cancelled, another attempt, mission over) is dropped; a wait that a live worker can now serve
 * is removed and its task unblocked (`unblocked` in the planner inbox, and a wake-up). With
 * several factories, only the one that removes a wait unblocks it.
 * @returns the waits it unblocked.
 */
export async function checkCapabilityWaits(deps: CapabilityWatchDeps): Promise<CapabilityWait[]> {
  const { store } = deps;
  const waits = await store.listCapabilityWaits();
  if (waits.length === 0) return [];
  const workers = await store.listWorkers();
  const unblocked: CapabilityWait[] = [];
  for (const wait of waits) {
    if (!(await stillWaiting(store, wait))) {
      await store.removeCapabilityWait(wait);
      continue;
    }
    if (!routeActorJob(workers, wait.bundles).ok) continue;
    if (!(await store.removeCapabilityWait(wait))) continue;
    await store.pushInbox(wait.missionId, { kind: 'unblocked', taskId: wait.taskId });
    await deps.wake(wait.missionId, `task ${wait.taskId} unblocked`);
    deps.logger.info({ missionId: wait.missionId, taskId: wait.taskId, bundles: wait.bundles }, 'a live worker serves what the task waited for: unblocked');
    unblocked.push(wait);
  }
  return unblocked;
}

/** A running watcher; `stop` waits for a pass in progress. */
export interface CapabilityWatch {
  stop(): Promise<void>;
}

/** Runs {@link checkCapabilityWaits} every `intervalMs`, one pass at a time. */
export function startCapabilityWatch(deps: CapabilityWatchDeps, intervalMs: number): CapabilityWatch {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = checkCapabilityWaits(deps)
      .catch((err: unknown) => deps.logger.warn({ err }, 'capability watch failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
