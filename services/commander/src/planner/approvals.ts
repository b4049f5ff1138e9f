import { QUEUES, type ActorJob, type Approval, type MissionStatus, type TaskGraph } from '@aime/protocol';
import { resolveApproval, routeActorJob, type ApprovalDecision, type MissionStore, type PlannerStore } from '@aime/store';
import type { Logger } from 'pino';

/** An actor to re-enqueue because an operator decided on its pending call. */
export interface ActorResume {
  approvalId: string;
  taskId: string;
  actorId: string;
}

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
export async function resumeQueue(store: Pick<MissionStore, 'getActorSpec' | 'listWorkers' | 'getActorQueue'>, job: ActorJob): Promise<string> {
  const spec = await store.getActorSpec(job.missionId, job.actorId);
  if (spec) {
    const route = routeActorJob(await store.listWorkers(), spec.bundles);
    if (route.ok) return route.queue;
  }
  return (await store.getActorQueue(job.missionId, job.actorId)) ?? QUEUES.actors;
}

/** Whether an approval still holds up live work: pending, for the actor that runs its task now. */
export function holdsUp(a: Approval, graph: TaskGraph): boolean {
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
export async function syncApprovalStatus(store: Pick<PlannerStore, 'getMission' | 'listApprovals' | 'setMissionStatus'>, missionId: string, graph: TaskGraph): Promise<MissionStatus | null> {
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
 * A decision on an approval (the store's write-once marker holds it whole). Older markers
 * carry only `decision` and `by`.
 */
export type DecisionMarker = ApprovalDecision;

/** The approval as resolved by `marker`. */
export function resolvedBy(approval: Approval, marker: DecisionMarker, now: () => Date = () => new Date()): Approval {
  return resolveApproval(approval, marker, now);
}

/**
 * Writes a decided approval from a decision claimed earlier: the record, then
 * `approval.resolved`. Only the reconciler needs it, to finish a decision whose marker an older
 * version wrote apart from the record. Returns the resolved approval and the event id.
 */
export async function applyDecision(store: Pick<MissionStore, 'putApproval' | 'appendEvent'>, approval: Approval, marker: DecisionMarker): Promise<{ approval: Approval; eventId: string }> {
  const resolved = resolvedBy(approval, marker);
  await store.putApproval(resolved);
  const event = await store.appendEvent(approval.missionId, { type: 'approval.resolved', taskId: approval.taskId, actorId: approval.actorId, data: { approval: resolved } });
  return { approval: resolved, eventId: event.id };
}

/**
 * Decides a pending approval once. The store claims the write-once marker, writes the decided
 * record and appends `approval.resolved` in one atomic step, so a crash leaves either all of it
 * or nothing. Returns null when another decision came first.
 */
export async function decideApproval(store: Pick<PlannerStore, 'claimApprovalDecision'>, approval: Approval, marker: DecisionMarker): Promise<{ approval: Approval; eventId: string } | null> {
  const claimed = await store.claimApprovalDecision(approval, marker);
  return claimed ? { approval: claimed.approval, eventId: claimed.event.id } : null;
}

/**
 * Closes the pending approvals of a mission that ended: they are marked rejected (with why)
 * and `approval.resolved` is appended, so nobody can approve a call that will never run.
 */
export async function expirePendingApprovals(store: Pick<PlannerStore, 'listApprovals' | 'claimApprovalDecision'>, missionId: string, status: 'succeeded' | 'failed' | 'cancelled'): Promise<number> {
  const pending = (await store.listApprovals(missionId)).filter((a) => a.status === 'pending');
  for (const a of pending) {
    // The marker decides a race with an operator's concurrent decision: only one counts.
    await decideApproval(store, a, { decision: 'reject', by: 'planner', note: `the mission was ${status} before a decision` });
  }
  return pending.length;
}
