/** What the chaos suite reads back at the end: the travel world's bookings, BullMQ's queues, figures. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { TravelWorld, type ListedBooking } from '@aime/plugin-travel';

/**
 * A leg of the trip: transport by kind and day (the flight on day 1, the train on day 2), a
 * hotel by its check-in day (one per city). Two confirmed bookings of one leg are a double booking.
 */
export const legOf = (b: ListedBooking): string => `${b.kind}@${b.date}`;

/** The mission's confirmed bookings grouped by leg, from the travel world's own records. */
export async function bookingsByLeg(redis: Redis, prefix: string, missionId: string): Promise<Map<string, ListedBooking[]>> {
  const world = new TravelWorld(redis, { keyPrefix: prefix, ownedSet: false });
  const ledger = await world.ledger(missionId);
  const legs = new Map<string, ListedBooking[]>();
  for (const b of ledger.bookings.filter((x) => x.status === 'confirmed')) legs.set(legOf(b), [...(legs.get(legOf(b)) ?? []), b]);
  return legs;
}

/** Every BullMQ queue under the prefix (each queue has a `meta` hash). */
export async function queueNames(redis: Redis, bullPrefix: string): Promise<string[]> {
  const names = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${bullPrefix}:*:meta`, 'COUNT', 500);
    cursor = next;
    for (const k of keys) names.add(k.slice(bullPrefix.length + 1, -':meta'.length));
  } while (cursor !== '0');
  return [...names].sort();
}

/** Jobs still waiting, active, delayed or prioritized, per queue that has any. */
export async function pendingJobs(redis: Redis, bullPrefix: string): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const name of await queueNames(redis, bullPrefix)) {
    // A shared connection: BullMQ does not close a connection it was given.
    const queue = new Queue(name, { connection: redis, prefix: bullPrefix });
    try {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused');
      const busy = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
      if (Object.keys(busy).length > 0) out[name] = busy;
    } finally {
      await queue.close();
    }
  }
  return out;
}

/** The p-th percentile (0..100) of a list, nearest rank; NaN for an empty one. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
