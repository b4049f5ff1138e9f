import { compareEventIds } from '@aime/protocol';
import type { Event } from '@aime/protocol';

/** What one merge did to the store. */
export interface MergeResult {
  /** Events that were new, in id order. */
  added: Event[];
  /** Events already held (a replay after a reconnect, or the same event twice in a batch). */
  duplicates: number;
  /**
   * Set when a new event arrived below the highest id seen before it: the stream
   * skipped something, so events between this id and that event may be missing. Re-subscribe
   * with `after` = this id to have the server replay them (replays are deduplicated).
   * `null` means "from the start of the stream".
   */
  gapAfter?: string | null;
}

/**
 * The events of one mission keyed by event id, plus the ids in stream order.
 *
 * Views are projections of a mission's event log, and the log reaches us several times
 * over (backlog, live, replay after reconnect), so this dedupes by id and keeps order with
 * `compareEventIds` rather than trusting arrival order.
 */
export class EventStore {
  private readonly byId = new Map<string, Event>();
  private readonly ids: string[] = [];
  private snapshot: readonly Event[] = [];
  private dirty = false;

  /** Number of distinct events held. */
  get size(): number {
    return this.ids.length;
  }

  /** The highest event id held: the `after` to subscribe with. */
  lastId(): string | undefined {
    return this.ids[this.ids.length - 1];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Event | undefined {
    return this.byId.get(id);
  }

  /** Merges a batch in any order; returns what changed. */
  merge(incoming: readonly Event[]): MergeResult {
    // The server sends in id order, so a new event below the highest id seen so far
    // (held, or earlier in this batch) means the stream skipped over it.
    let highest = this.lastId();
    const added: Event[] = [];
    let duplicates = 0;
    let earliestLate: string | undefined;
    for (const e of incoming) {
      if (this.byId.has(e.id)) {
        duplicates++;
        continue;
      }
      this.byId.set(e.id, e);
      this.insertId(e.id);
      added.push(e);
      if (highest !== undefined && compareEventIds(e.id, highest) < 0) {
        if (earliestLate === undefined || compareEventIds(e.id, earliestLate) < 0) earliestLate = e.id;
      } else {
        highest = e.id;
      }
    }
    if (added.length > 0) this.dirty = true;
    added.sort((a, b) => compareEventIds(a.id, b.id));
    const result: MergeResult = { added, duplicates };
    if (earliestLate !== undefined) result.gapAfter = this.idBefore(earliestLate) ?? null;
    return result;
  }

  /** All events in id order. The same array is returned until the store changes, so it is safe as a React dependency. */
  list(): readonly Event[] {
    if (this.dirty) {
      this.snapshot = this.ids.map((id) => this.byId.get(id) as Event);
      this.dirty = false;
    }
    return this.snapshot;
  }

  private insertId(id: string): void {
    const last = this.ids[this.ids.length - 1];
    // Live events nearly always arrive in order: append without searching.
    if (last === undefined || compareEventIds(id, last) > 0) {
      this.ids.push(id);
      return;
    }
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEventIds(this.ids[mid] as string, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.ids.splice(lo, 0, id);
  }

  private idBefore(id: string): string | undefined {
    const i = this.ids.indexOf(id);
    return i > 0 ? this.ids[i - 1] : undefined;
  }
}
