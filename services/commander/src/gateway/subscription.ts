import { compareEventIds, type Event } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import type { TailListener } from './mission-tail.ts';

/**
 * One socket's subscription to one mission. It delivers each event at most once and in
 * id order: everything goes through `deliver`, which drops ids at or below `lastSent`.
 * Live events that arrive while the backlog is being read wait in a buffer.
 */
export class Subscription implements TailListener {
  private lastSent: string | null;
  private buffering = true;
  private buffer: Event[] = [];
  private closed = false;

  constructor(
    readonly missionId: string,
    after: string | undefined,
    private readonly emit: (event: Event) => void,
    /** The socket id a tail's broadcast reaches this subscription by; without it every event goes through `emit`. */
    readonly target?: string,
  ) {
    this.lastSent = after ?? null;
  }

  onEvents(events: Event[]): void {
    for (const e of this.take(events)) this.emit(e);
  }

  /**
   * The live events to send now, marked as sent, for the caller to send (a broadcast): none
   * while the backlog is read (they wait in the buffer), and none at or below `lastSent`.
   */
  take(events: Event[]): Event[] {
    if (this.closed) return [];
    if (this.buffering) {
      this.buffer.push(...events);
      return [];
    }
    return this.fresh(events);
  }

  /** Sends the backlog after `after` page by page, then the buffered live events. */
  async replay(store: MissionStore, pageSize = 500): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const cursor = this.lastSent;
      const page = await store.readEvents(this.missionId, cursor === null ? { limit: pageSize } : { after: cursor, limit: pageSize });
      if (this.closed) return;
      this.deliver(page);
      if (page.length < pageSize) break;
    }
    const buffered = this.buffer.sort((a, b) => compareEventIds(a.id, b.id));
    this.buffer = [];
    this.buffering = false;
    this.deliver(buffered);
  }

  close(): void {
    this.closed = true;
    this.buffer = [];
  }

  private deliver(events: Event[]): void {
    for (const e of events) {
      if (this.closed) return;
      if (this.lastSent !== null && compareEventIds(e.id, this.lastSent) <= 0) continue;
      this.emit(e);
      this.lastSent = e.id;
    }
  }

  private fresh(events: Event[]): Event[] {
    const out: Event[] = [];
    for (const e of events) {
      if (this.lastSent !== null && compareEventIds(e.id, this.lastSent) <= 0) continue;
      out.push(e);
      this.lastSent = e.id;
    }
    return out;
  }
}
