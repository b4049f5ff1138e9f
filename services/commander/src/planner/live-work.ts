import type { JobState, Queue } from 'bullmq';
import { actorIdOf, actorJobId } from '@aime/queues';
import { QUEUES, type Approval, type Task } from '@aime/protocol';
import { alreadyReported } from '@aime/queues';
import type { CapabilityWait, MissionStore, WorkerAdvert } from '@aime/store';
import { resumeJobId } from './approvals.ts';
import { jobKey } from './job-key.ts';

/** Queues the reconciler reads jobs from. */
export interface LiveWorkQueues {
  factoryQueue: Queue;
  /** The actor queue of that name (opened on first use). */
  actorQueue(name: string): Queue;
}

/** What one pass read once, shared by every task it looks at. */
export interface PassSnapshot {
  workers: WorkerAdvert[];
  waits: CapabilityWait[];
}

/** Why a running task has live work, or what is missing when it has none. */
export type TaskLiveness =
  | { live: true; why: string }
  | {
      live: false;
      actorId: string;
      attempt: number;
      /** A decided approval of this actor whose resume job never existed: the actor was never resumed. */
      neverResumed?: Approval;
      /** Finished (completed or failed) jobs that hold the ids a re-enqueue needs. */
      finished: Array<{ queue: Queue; id: string }>;
    };

/** A job in one of these states will still run (or runs now). */
const FINISHED_OR_GONE: ReadonlySet<JobState | 'unknown'> = new Set(['completed', 'failed', 'unknown']);

/** The actor queues a task's jobs may sit in: live workers' queues, the one the factory recorded, the default. */
async function candidateQueues(store: MissionStore, snap: PassSnapshot, missionId: string, actorId: string): Promise<string[]> {
  const recorded = await store.getActorQueue(missionId, actorId);
  const names = new Set<string>([QUEUES.actors, ...snap.workers.map((w) => w.queue)]);
  if (recorded) names.add(recorded);
  return [...names];
}

/**
 * Whether a `running` task has live work: its report handed in, a pending approval it waits
 * for, a wait for a live worker, or a factory, actor or resume job that is waiting, delayed or
 * active. Reads only; a task with none of these is lost and needs a repair.
 */
export async function taskLiveness(
  deps: { store: MissionStore } & LiveWorkQueues,
  snap: PassSnapshot,
  missionId: string,
  task: Task,
  approvals: Approval[],
): Promise<TaskLiveness> {
  const { store } = deps;
  const attempt = task.attempts;
  const actorId = task.actorId ?? actorIdOf(task.id, attempt);
  if (await alreadyReported(store, missionId, actorId)) return { live: true, why: 'reported' };
  const mine = approvals.filter((a) => a.actorId === actorId && a.taskId === task.id);
  if (mine.some((a) => a.status === 'pending')) return { live: true, why: 'waits for an approval' };
  if (snap.waits.some((w) => w.missionId === missionId && w.taskId === task.id && w.attempt === attempt)) return { live: true, why: 'waits for a live worker' };

  const finished: Array<{ queue: Queue; id: string }> = [];
  const factoryId = jobKey(missionId, task.id, attempt);
  const factoryState = await deps.factoryQueue.getJobState(factoryId);
  if (!FINISHED_OR_GONE.has(factoryState)) return { live: true, why: `factory job ${factoryState}` };
  if (factoryState !== 'unknown') finished.push({ queue: deps.factoryQueue, id: factoryId });

  const decided = mine.filter((a) => a.status !== 'pending');
  const resumeSeen = new Set<string>();
  for (const name of await candidateQueues(store, snap, missionId, actorId)) {
    const queue = deps.actorQueue(name);
    const actorState = await queue.getJobState(actorJobId(missionId, actorId));
    if (!FINISHED_OR_GONE.has(actorState)) return { live: true, why: `actor job ${actorState}` };
    if (actorState !== 'unknown') finished.push({ queue, id: actorJobId(missionId, actorId) });
    for (const a of decided) {
      const state = await queue.getJobState(resumeJobId(missionId, actorId, a.id));
      if (!FINISHED_OR_GONE.has(state)) return { live: true, why: `resume job ${state}` };
      if (state !== 'unknown') resumeSeen.add(a.id);
    }
  }
  // The latest decision that no resume job ever carried: the actor still waits for it.
  const neverResumed = decided.filter((a) => !resumeSeen.has(a.id)).sort((a, b) => ((a.resolvedAt ?? '') < (b.resolvedAt ?? '') ? 1 : -1))[0];
  return { live: false, actorId, attempt, finished, ...(neverResumed ? { neverResumed } : {}) };
}
