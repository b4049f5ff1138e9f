import type { Task } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import { z } from 'zod';

/**
 * The heartbeat of one running actor: which worker runs it and when that worker last said so.
 * The worker rewrites it on every heartbeat while the actor's job runs, and marks it `ended`
 * when the job returns. A lease past `beatAt + ttlMs` and not ended means the worker is gone:
 * the task is `recovering` until BullMQ's stalled check hands the job to another worker, whose
 * first beat replaces the lease. The record outlives the beat on purpose, so readers can say
 * since when the task has had no live worker.
 */
export const ActorLease = z.object({
  workerId: z.string(),
  /** ISO time of the last beat. */
  beatAt: z.string(),
  /** How long a beat counts as alive. */
  ttlMs: z.number().int().positive(),
  /** The job returned (reported, failed or was cancelled): no beat is expected any more. */
  ended: z.boolean().optional(),
});
export type ActorLease = z.infer<typeof ActorLease>;

const leaseKey = (actorId: string): string => `actor:${actorId}:lease`;

/** Writes (or renews) the lease of an actor run by `workerId`. */
export async function beatActorLease(store: MissionStore, missionId: string, actorId: string, lease: ActorLease): Promise<void> {
  await store.putJson(missionId, leaseKey(actorId), ActorLease.parse(lease));
}

/** The lease of an actor, or null when none was written (or it is unreadable). */
export async function readActorLease(store: MissionStore, missionId: string, actorId: string): Promise<ActorLease | null> {
  const parsed = ActorLease.safeParse(await store.getJson(missionId, leaseKey(actorId)));
  return parsed.success ? parsed.data : null;
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
export async function withRecovering(store: MissionStore, missionId: string, tasks: Task[], now = Date.now()): Promise<Task[]> {
  return Promise.all(
    tasks.map(async (t) => {
      if (t.status !== 'running' || !t.actorId) return t;
      const since = recoveringSince(t, await readActorLease(store, missionId, t.actorId), now);
      return since ? { ...t, recovering: { since } } : t;
    }),
  );
}
