import type { Task } from '@aime/protocol';
import { ActorLease, isStoreError, type ActorRecordAccess } from '@aime/store';

/*
 * The heartbeat of one running actor (the `ActorLease` record of the store): which worker runs
 * it and when that worker last said so. The worker rewrites it on every heartbeat while the
 * actor's job runs, and marks it `ended` when the job returns. A lease past `beatAt + ttlMs` and
 * not ended means the worker is gone: the task is `recovering` until BullMQ's stalled check
 * hands the job to another worker, whose first beat replaces the lease. The record outlives the
 * beat on purpose, so readers can say since when the task has had no live worker.
 */
export { ActorLease };

/** Writes (or renews) the lease of an actor run by `workerId`. */
export async function beatActorLease(store: Pick<ActorRecordAccess, 'putActorLease'>, missionId: string, actorId: string, lease: ActorLease): Promise<void> {
  await store.putActorLease(missionId, actorId, lease);
}

/** The lease of an actor, or null when none was written (or it is unreadable: a damaged lease only hides `recovering`). */
export async function readActorLease(store: Pick<ActorRecordAccess, 'getActorLease'>, missionId: string, actorId: string): Promise<ActorLease | null> {
  try {
    return await store.getActorLease(missionId, actorId);
  } catch (err) {
    if (isStoreError(err, 'corrupt')) return null;
    throw err;
  }
}

/**
 * When a running task's worker was last heard from, if that worker is gone (its lease expired
 * and did not end); undefined while it is alive, for other statuses, and with no lease.
 */
export function recoveringSince(task: Pick<Task, 'status' | 'actorId'>, lease: ActorLease | null, now: number): string | undefined {
  if (task.status !== 'running' || !task.actorId || !lease || lease.ended) return undefined;
  const beat = Date.parse(lease.beatAt);
  return Number.isFinite(beat) && now > beat + lease.ttlMs ? lease.beatAt : undefined;
}

/** The tasks with `recovering` set where their worker is gone (one lease read per running task). */
export async function withRecovering(store: Pick<ActorRecordAccess, 'getActorLease'>, missionId: string, tasks: Task[], now = Date.now()): Promise<Task[]> {
  return Promise.all(
    tasks.map(async (t) => {
      if (t.status !== 'running' || !t.actorId) return t;
      const since = recoveringSince(t, await readActorLease(store, missionId, t.actorId), now);
      return since ? { ...t, recovering: { since } } : t;
    }),
  );
}
