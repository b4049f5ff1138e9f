import { isKnownEvent } from '@aime/protocol';
import type { Event } from '@aime/protocol';
import type { StatusChange } from '@aime/core/views';

/** The mission's status changes, in order, from its `mission.status` events (for the elapsed clock). */
export function statusChanges(events: readonly Event[]): StatusChange[] {
  const out: StatusChange[] = [];
  for (const e of events) if (isKnownEvent(e) && e.type === 'mission.status') out.push({ ts: e.ts, to: e.data.to });
  return out;
}
