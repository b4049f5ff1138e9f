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

/** The API's write-once marker of a decision on approval `approvalId`: the first decision counts. */
export const decisionKey = (approvalId: string): string => `approval-decision:${approvalId}`;

/**
 * The write-once marker of a decision. It carries the whole decision, so whoever finds a
 * marker whose approval record is still pending (a crash between the two writes) can finish
 * the write exactly as the decider meant it. Older markers carry only `decision` and `by`.
 */
export interface DecisionMarker {
  decision: 'approve' | 'reject';
  by: string;
  note?: string;
  resolvedAt?: string;
}

/** The approval as resolved by `marker`. */
export function resolvedBy(approval: Approval, marker: DecisionMarker, now: () => Date = () => new Date()): Approval {
  return {
    ...approval,
    status: marker.decision === 'approve' ? 'approved' : 'rejected',
    resolvedAt: marker.resolvedAt ?? now().toISOString(),
    ...(marker.note === undefined ? {} : { note: marker.note }),
  };
}

/**
 * Writes a decided approval: the record, then `approval.resolved`. Used right after the
 * marker was claimed and by the reconciler to finish a claimed decision whose record never
 * got written. Returns the resolved approval and the event id.
 */
export async function applyDecision(store: MissionStore, approval: Approval, marker: DecisionMarker): Promise<{ approval: Approval; eventId: string }> {
  const resolved = resolvedBy(approval, marker);
  await store.putApproval(resolved);
  const event = await store.appendEvent(approval.missionId, { type: 'approval.resolved', taskId: approval.taskId, actorId: approval.actorId, data: { approval: resolved } });
  return { approval: resolved, eventId: event.id };
}

/**
 * Decides a pending approval once: claims the write-once marker (carrying the whole decision)
 * and writes the record. Returns null when another decision claimed it first. The store has no
 * compare-and-set for approvals, so the marker must come first to decide a race; because it
 * holds the full decision, a crash before the record is written is finished by the
 * reconciler instead of leaving the approval pending forever.
 */
export async function decideApproval(store: MissionStore, approval: Approval, marker: DecisionMarker): Promise<{ approval: Approval; eventId: string } | null> {
  const full: DecisionMarker = { ...marker, resolvedAt: marker.resolvedAt ?? new Date().toISOString() };
  const first = await store.putJson(approval.missionId, decisionKey(approval.id), full, { onlyIfAbsent: true });
  if (!first) return null;
  return applyDecision(store, approval, full);
}

/**
 * Closes the pending approvals of a mission that ended: they are marked rejected (with why)
 * and `approval.resolved` is appended, so nobody can approve a call that will never run.
 */
export async function expirePendingApprovals(store: MissionStore, missionId: string, status: 'succeeded' | 'failed' | 'cancelled'): Promise<number> {
  const pending = (await store.listApprovals(missionId)).filter((a) => a.status === 'pending');
  for (const a of pending) {
    // The marker decides a race with an operator's concurrent decision: only one counts.
    await decideApproval(store, a, { decision: 'reject', by: 'planner', note: `the mission was ${status} before a decision` });
  }
  return pending.length;
}
