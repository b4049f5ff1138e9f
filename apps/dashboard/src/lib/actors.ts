import { isKnownEvent } from '@aime/protocol';
import type { ActorSpec, Event, EventOf, Report } from '@aime/protocol';

/** One actor as the dashboard shows it, folded from its events. */
export interface ActorView {
  actorId: string;
  taskId?: string;
  persona?: ActorSpec['persona'];
  bundles: string[];
  tools: string[];
  attempt?: number;
  steps: EventOf<'actor.step'>[];
  progress: { status: string; message: string; ts: string; id: string }[];
  report?: Report;
  spawnedAt?: string;
  lastTs: string;
}

/** Folds `actor.*` events into one view per actor, in order of first appearance. */
export function deriveActors(events: readonly Event[]): ActorView[] {
  const byId = new Map<string, ActorView>();
  for (const e of events) {
    if (!isKnownEvent(e) || !e.actorId || !e.type.startsWith('actor.')) continue;
    let a = byId.get(e.actorId);
    if (!a) {
      a = { actorId: e.actorId, bundles: [], tools: [], steps: [], progress: [], lastTs: e.ts };
      byId.set(e.actorId, a);
    }
    if (e.taskId) a.taskId = e.taskId;
    a.lastTs = e.ts;
    switch (e.type) {
      case 'actor.spawned':
        a.persona = e.data.persona;
        a.bundles = e.data.bundles;
        a.tools = e.data.tools;
        a.attempt = e.data.attempt;
        a.spawnedAt = e.ts;
        break;
      case 'actor.step':
        a.steps.push(e);
        break;
      case 'actor.progress':
        a.progress.push({ status: e.data.status, message: e.data.message, ts: e.ts, id: e.id });
        break;
      case 'actor.reported':
        a.report = e.data.report;
        break;
      default:
        break;
    }
  }
  return [...byId.values()];
}

/**
 * Returns `next` with each actor replaced by its previous object when nothing visible
 * changed, so memoised panels of idle actors skip re-rendering while others stream steps.
 */
export function reuseUnchanged(prev: readonly ActorView[], next: ActorView[]): ActorView[] {
  const old = new Map(prev.map((a) => [a.actorId, a]));
  return next.map((a) => {
    const p = old.get(a.actorId);
    const same =
      p !== undefined &&
      p.lastTs === a.lastTs &&
      p.steps.length === a.steps.length &&
      p.progress.length === a.progress.length &&
      p.report?.status === a.report?.status &&
      p.report?.summary === a.report?.summary &&
      p.spawnedAt === a.spawnedAt &&
      p.attempt === a.attempt &&
      p.taskId === a.taskId;
    return same ? p : a;
  });
}
