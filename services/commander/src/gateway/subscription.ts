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
  ) {
    this.lastSent = after ?? null;
  }

  onEvents(events: Event[]): void {
    if (this.closed) return;
    if (this.buffering) this.buffer.push(...events);
    else this.deliver(events);
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
}
