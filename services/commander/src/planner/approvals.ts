import { QUEUES, type ActorJob, type Approval, type MissionStatus, type TaskGraph } from '@aime/protocol';
import { routeActorJob, type MissionStore } from '@aime/store';
import type { Logger } from 'pino';

/** An actor to re-enqueue because an operator decided on its pending call. */
export interface ActorResume {
  approvalId: string;
  taskId: string;
  actorId: string;
}

/**
 * Where the factory records the queue it routed an actor to (`{ queue }`), the fallback
 * when no live worker can take the resumed actor now.
 */
export const actorQueueKey = (actorId: string): string => `actor:${actorId}:queue`;

/** BullMQ options of a resumed actor job (those of a first actor job). */
export const RESUME_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
} as const;

/**
 * The job id of an actor resumed after a decision. It differs from the first job's id (kept
 * by BullMQ after completion, which would swallow the new job) and from other resumes of the
 * same actor, yet repeats for the same decision so a duplicate is dropped. BullMQ accepts a
 * custom id with `:` only in exactly three parts.
 */
export function resumeJobId(missionId: string, actorId: string, approvalId: string): string {
  const part = (s: string): string => s.replaceAll(':', '_');
  return `${part(missionId)}:${part(actorId)}:resume-${part(approvalId)}`;
}

/**
 * The queue for a resumed actor: routed again among the live workers (the one that ran it may
 * be gone), else the queue the factory recorded, else the default actor queue.
 */
export async function resumeQueue(store: MissionStore, job: ActorJob): Promise<string> {
  const spec = await store.getActorSpec(job.missionId, job.actorId);
  if (spec) {
    const route = routeActorJob(await store.listWorkers(), spec.bundles);
    if (route.ok) return route.queue;
  }
  const recorded = await store.getJson<{ queue?: unknown }>(job.missionId, actorQueueKey(job.actorId));
  return typeof recorded?.queue === 'string' && recorded.queue ? recorded.queue : QUEUES.actors;
}

/** Whether an approval still holds up live work: pending, for the actor that runs its task now. */
function holdsUp(a: Approval, graph: TaskGraph): boolean {
  return a.status === 'pending' && graph.tasks.some((t) => t.id === a.taskId && t.status === 'running' && t.actorId === a.actorId);
}

/**
 * Re-enqueues the actors whose calls were decided, when their task still runs with them
 * (a cancelled or replaced task's actor stays stopped).
 */
export async function resumeDecidedActors(
  deps: { resumeActor?: (job: ActorJob, approvalId: string) => Promise<void>; logger: Logger },
  missionId: string,
  graph: TaskGraph,
  resumes: ActorResume[],
): Promise<string[]> {
  const resumed: string[] = [];
  for (const r of resumes) {
    const task = graph.tasks.find((t) => t.id === r.taskId);
    if (!task || task.status !== 'running' || task.actorId !== r.actorId) {
      deps.logger.info({ missionId, ...r, status: task?.status }, 'approval decided for an actor that no longer runs its task: not resumed');
      continue;
    }
    if (!deps.resumeActor) {
      deps.logger.warn({ missionId, ...r }, 'cannot resume the actor: the planner has no actor queue');
      continue;
    }
    await deps.resumeActor({ missionId, taskId: r.taskId, actorId: r.actorId }, r.approvalId);
    resumed.push(r.actorId);
  }
  return resumed;
}

/**
 * Keeps the mission status in line with its approvals: `awaiting_approval` while a running
 * actor waits for a decision, `running` when none does. Only those two statuses are touched
 * (a paused or finished mission stays as it is), each change guarded by the status it leaves.
 */
export async function syncApprovalStatus(store: MissionStore, missionId: string, graph: TaskGraph): Promise<MissionStatus | null> {
  const mission = await store.getMission(missionId);
  if (!mission || (mission.status !== 'running' && mission.status !== 'awaiting_approval')) return mission?.status ?? null;
  const waiting = (await store.listApprovals(missionId)).filter((a) => holdsUp(a, graph));
  if (waiting.length && mission.status === 'running') {
    const changed = await store.setMissionStatus(missionId, 'awaiting_approval', { from: ['running'], reason: `${waiting.length} call(s) wait for an operator's approval` });
    return changed ? 'awaiting_approval' : mission.status;
  }
  if (!waiting.length && mission.status === 'awaiting_approval') {
    const changed = await store.setMissionStatus(missionId, 'running', { from: ['awaiting_approval'], reason: 'no call waits for an approval any more' });
    return changed ? 'running' : mission.status;
  }
  return mission.status;
}

/**
 * Closes the pending approvals of a mission that ended: they are marked rejected (with why)
 * and `approval.resolved` is appended, so nobody can approve a call that will never run.
 */
export async function expirePendingApprovals(store: MissionStore, missionId: string, status: 'succeeded' | 'failed' | 'cancelled'): Promise<number> {
  const pending = (await store.listApprovals(missionId)).filter((a) => a.status === 'pending');
  for (const a of pending) {
    // The API's write-once marker: an operator's concurrent decision and this expiry cannot both count.
    const first = await store.putJson(missionId, `approval-decision:${a.id}`, { decision: 'reject', by: 'planner' }, { onlyIfAbsent: true });
    if (!first) continue;
    const resolved: Approval = { ...a, status: 'rejected', resolvedAt: new Date().toISOString(), note: `the mission was ${status} before a decision` };
    await store.putApproval(resolved);
    await store.appendEvent(missionId, { type: 'approval.resolved', taskId: a.taskId, actorId: a.actorId, data: { approval: resolved } });
  }
  return pending.length;
}
