import type { Queue } from 'bullmq';
import { Report } from '@aime/protocol';
import { wakePlanner } from './wake.ts';
import type { ActorRecordAccess, EventAccess, InboxAccess } from '@aime/store';

/** Where an actor's report goes: the event stream, the planner inbox, and a planner wake-up. */
export interface ReportDeps<S extends ReportStore = ReportStore> {
  store: S;
  planner: Queue;
}

/** What handing in a report needs of the store. */
export type ReportStore = Pick<ActorRecordAccess, 'isReported' | 'markReported'> & Pick<EventAccess, 'appendEvent'> & Pick<InboxAccess, 'pushInbox'>;

/** Whether this actor already handed in its report (a retried job must not report twice). */
export function alreadyReported(store: Pick<ActorRecordAccess, 'isReported'>, missionId: string, actorId: string): Promise<boolean> {
  return store.isReported(missionId, actorId);
}

/**
 * Hands in a report: appends `actor.reported`, pushes it to the planner's inbox, marks the
 * actor as reported and wakes the planner. Returns the event id, or null when it had
 * reported already.
 */
export async function submitReport(
  deps: ReportDeps,
  ids: { missionId: string; taskId: string; actorId: string },
  input: Report,
): Promise<string | null> {
  const { store } = deps;
  const { missionId, taskId, actorId } = ids;
  if (await alreadyReported(store, missionId, actorId)) return null;
  const report = Report.parse(input);
  const event = await store.appendEvent(missionId, { type: 'actor.reported', taskId, actorId, data: { report } });
  await store.pushInbox(missionId, { kind: 'report', eventId: event.id, taskId, actorId });
  await store.markReported(missionId, actorId, { eventId: event.id, at: event.ts });
  await wakePlanner(deps.planner, missionId, `report from ${taskId}`);
  return event.id;
}
