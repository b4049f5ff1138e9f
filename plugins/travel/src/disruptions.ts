import { z } from 'zod';

/** Something that happens to the world, not something an actor does. */
export const Disruption = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sell_out_train'), trainId: z.string().min(1) }),
  z.object({ kind: z.literal('cancel_flight'), flightId: z.string().min(1) }),
]);
export type Disruption = z.infer<typeof Disruption>;

/**
 * When a scheduled disruption fires: `after_search` right after the first search that
 * listed the item (the search still shows it available), `before_booking` when a booking
 * of it is attempted.
 */
export const DisruptionTrigger = z.enum(['before_booking', 'after_search']);
export type DisruptionTrigger = z.infer<typeof DisruptionTrigger>;

/** An entry of `mission.context.disruptions`. */
export const ScheduledDisruption = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sell_out_train'), trainId: z.string().min(1), trigger: DisruptionTrigger }),
  z.object({ kind: z.literal('cancel_flight'), flightId: z.string().min(1), trigger: DisruptionTrigger }),
]);
export type ScheduledDisruption = z.infer<typeof ScheduledDisruption>;

/** The train or flight a disruption hits, normalised to the catalogue's upper-case ids. */
export function disruptedItem(d: Disruption): string {
  return (d.kind === 'sell_out_train' ? d.trainId : d.flightId).trim().toUpperCase();
}

/** The record under which a disruption is remembered as applied: one per kind and item. */
export function disruptionKey(d: Disruption): string {
  return `${d.kind}:${disruptedItem(d)}`;
}
