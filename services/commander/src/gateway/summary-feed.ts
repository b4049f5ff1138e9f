import type { Logger } from 'pino';
import { MISSIONS_ROOM, type MissionSummary } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import { sleep } from './sleep.ts';

/** The room of a caller's own mission summaries. */
export const callerMissionsRoom = (principal: string): string => `${MISSIONS_ROOM}:${principal}`;

/** Where summaries go: the operators' room and the owner's room. */
export type SummarySink = (rooms: string[], summary: MissionSummary) => void;

export interface SummaryFeedOptions {
  /** At most one summary per mission per this many ms; the last state is always sent. @default 250 */
  throttleMs?: number;
  /** @default 5_000 */
  blockMs?: number;
  /** @default 1_000 */
  retryMs?: number;
}

interface Throttle {
  timer?: NodeJS.Timeout;
  running: boolean;
  dirty: boolean;
}

/**
 * Tails the global feed (from the moment it starts) and turns each touched mission into a
 * MissionSummary for list views, throttled per mission: the first change goes out at once,
 * later ones within the window are folded into one trailing summary built from fresh state.
 */
export class SummaryFeed {
  private readonly ac = new AbortController();
  private readonly throttles = new Map<string, Throttle>();
  private readonly throttleMs: number;

  constructor(
    private readonly store: MissionStore,
    private readonly sink: SummarySink,
    private readonly logger: Logger,
    private readonly opts: SummaryFeedOptions = {},
    /** Whether anyone could receive a summary now (a connected socket); without one no summary is built. @default always */
    private readonly audience: () => boolean = () => true,
  ) {
    this.throttleMs = opts.throttleMs ?? 250;
  }

  start(): void {
    // "Now" as an explicit id (rather than "after the last entry" at each read) so nothing is
    // missed between two reads; a small clock skew to Redis only repeats or skips a summary
    // in the first moments.
    void this.loop(`${Date.now()}-0`);
  }

  stop(): void {
    this.ac.abort();
    for (const t of this.throttles.values()) clearTimeout(t.timer);
    this.throttles.clear();
  }

  /** Marks a mission as changed. */
  touch(missionId: string): void {
    if (this.ac.signal.aborted) return;
    const t = this.throttles.get(missionId) ?? { running: false, dirty: false };
    this.throttles.set(missionId, t);
    t.dirty = true;
    if (!t.timer && !t.running) void this.fire(missionId, t);
  }

  private async loop(start: string): Promise<void> {
    const { signal } = this.ac;
    let cursor = start;
    while (!signal.aborted) {
      try {
        const entries = await this.store.tailFeed({ after: cursor, blockMs: this.opts.blockMs ?? 5_000, limit: 1000, signal });
        if (signal.aborted) break;
        for (const entry of entries) {
          cursor = entry.id;
          if (entry.missionId) this.touch(entry.missionId);
        }
      } catch (err) {
        if (signal.aborted) break;
        this.logger.warn({ err }, 'tailing the mission feed failed; retrying');
        await sleep(this.opts.retryMs ?? 1_000, signal);
      }
    }
  }

  private async fire(missionId: string, t: Throttle): Promise<void> {
    t.timer = undefined;
    t.running = true;
    t.dirty = false;
    try {
      await this.publish(missionId);
    } catch (err) {
      this.logger.warn({ err, missionId }, 'building a mission summary failed');
    }
    t.running = false;
    if (this.ac.signal.aborted) return;
    // A cool-down window: changes inside it are sent once at its end; none means forget the mission.
    t.timer = setTimeout(() => {
      t.timer = undefined;
      if (t.dirty) void this.fire(missionId, t);
      else if (this.throttles.get(missionId) === t) this.throttles.delete(missionId);
    }, this.throttleMs);
  }

  private async publish(missionId: string): Promise<void> {
    // With no client connected a summary would go nowhere: skip its two reads. A client that
    // connects later lists missions over HTTP and gets summaries from its first change on.
    if (!this.audience()) return;
    const [record, graph] = await Promise.all([this.store.getMission(missionId), this.store.readGraph(missionId)]);
    if (!record) return;
    const summary = this.store.summarize(record, graph);
    const rooms = [MISSIONS_ROOM];
    if (record.owner) rooms.push(callerMissionsRoom(record.owner));
    this.sink(rooms, summary);
  }
}
