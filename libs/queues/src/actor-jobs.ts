/**
 * The actor job conventions shared by the factory (which enqueues actor jobs) and the
 * commander (whose reconciler finds and re-enqueues lost ones): one definition, so the two
 * services agree without importing each other.
 */

/** The actor id of a task's attempt: `<taskId>.<attempt>`. */
export const actorIdOf = (taskId: string, attempt: number): string => `${taskId}.${attempt}`;

/**
 * The BullMQ job id of an actor job: one per actor, so a retried factory job does not
 * spawn it twice. BullMQ refuses custom ids with a `:` unless they have exactly three
 * `:`-separated parts, hence the suffix and the escaping.
 */
export function actorJobId(missionId: string, actorId: string): string {
  const part = (s: string): string => s.replaceAll(':', '_');
  return `${part(missionId)}:${part(actorId)}:actor`;
}

/** BullMQ options of an actor job. */
export const ACTOR_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
} as const;
