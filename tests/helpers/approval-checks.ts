import type { Event } from '@aime/protocol';

type StepEvent = Extract<Event, { type: 'actor.step'; generic?: never }>;

/** The `actor.step` events of calls of `tool`. */
export function toolSteps(events: Event[], tool: string): StepEvent[] {
  return events.filter((e): e is StepEvent => e.type === 'actor.step' && !('generic' in e) && e.data.toolCall?.name === tool);
}

/** Calls of `tool` that ran and did not fail (not rejected, not an error). */
export function ranOk(events: Event[], tool: string): StepEvent[] {
  return toolSteps(events, tool).filter((e) => !/^(Error|Rejected by operator)/i.test(e.data.observation ?? ''));
}

export const ofType = <T extends Event['type']>(events: Event[], type: T): Extract<Event, { type: T }>[] =>
  events.filter((e) => e.type === type) as Extract<Event, { type: T }>[];
