import { EMPTY_USAGE, parseEvent } from '@aime/protocol';
import type { Event, MissionSummary, Task } from '@aime/protocol';

const MISSION = 'm-1';

/** A valid event (checked by the protocol's parser) with the given stream id. */
export function ev(id: string, type: string, data: unknown, extra: { taskId?: string; actorId?: string; ts?: string } = {}): Event {
  const ms = Number(id.split('-')[0]);
  return parseEvent({ id, missionId: MISSION, ts: extra.ts ?? new Date(ms).toISOString(), type, data, ...extra });
}

/** A `world.event`: the simplest known event, for tests that only care about ids. */
export function worldEv(id: string): Event {
  return ev(id, 'world.event', { source: 'api', message: `event ${id}` });
}

export const ids = (events: readonly Event[]): string[] => events.map((e) => e.id);

export function task(id: string, over: Partial<Task> = {}): Task {
  return { id, title: `Task ${id}`, description: '', completionCriteria: '', status: 'pending', dependsOn: [], attempts: 0, ...over };
}

export function summary(id: string, over: Partial<MissionSummary> = {}): MissionSummary {
  return {
    id,
    goal: `goal ${id}`,
    status: 'running',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    model: { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true },
    usage: { ...EMPTY_USAGE },
    progress: { done: 0, total: 0 },
    ...over,
  };
}
