import type { Logger } from 'pino';
import type { Event } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import { sleep } from './sleep.ts';

/** Receives the live events of a mission, in id order. */
export interface TailListener {
  onEvents(events: Event[]): void;
}

/** Timing of the tail loops. */
export interface TailOptions {
  /** How long one read blocks in Redis. @default 5_000 */
  blockMs?: number;
  /** Wait after a failed read before retrying from the same position. @default 1_000 */
  retryMs?: number;
}

/**
 * One live read loop over a mission's event stream, shared by every subscriber of this
 * gateway process. It starts from the stream's last id at creation (an explicit id, not
 * "from now" at some later read), so a subscriber that registers before reading its
 * backlog sees every later event either in the backlog or here.
 */
export class MissionTail {
  private readonly listeners = new Set<TailListener>();
  private readonly ac = new AbortController();
  private cursor = '0-0';
  /** Resolves once the start position is known and the loop runs; rejects if Redis failed. */
  readonly ready: Promise<void>;

  constructor(
    private readonly store: MissionStore,
    readonly missionId: string,
    private readonly logger: Logger,
    private readonly opts: TailOptions = {},
  ) {
    this.ready = this.start();
    // Subscribers await `ready` and see the error; this only keeps it from being "unhandled".
    this.ready.catch(() => undefined);
  }

  get size(): number {
    return this.listeners.size;
  }

  add(listener: TailListener): void {
    this.listeners.add(listener);
  }

  has(listener: TailListener): boolean {
    return this.listeners.has(listener);
  }

  delete(listener: TailListener): void {
    this.listeners.delete(listener);
  }

  stop(): void {
    this.ac.abort();
  }

  private async start(): Promise<void> {
    this.cursor = (await this.store.lastEventId(this.missionId)) ?? '0-0';
    void this.loop();
  }

  private async loop(): Promise<void> {
    const { signal } = this.ac;
    while (!signal.aborted) {
      try {
        const events = await this.store.tailEvents(this.missionId, { after: this.cursor, blockMs: this.opts.blockMs ?? 5_000, limit: 500, signal });
        if (signal.aborted) break;
        const last = events[events.length - 1];
        if (!last) continue;
        this.cursor = last.id;
        for (const listener of [...this.listeners]) {
          try {
            listener.onEvents(events);
          } catch (err) {
            this.logger.error({ err, missionId: this.missionId }, 'event listener failed');
          }
        }
      } catch (err) {
        if (signal.aborted) break;
        // Retrying from the same cursor loses nothing.
        this.logger.warn({ err, missionId: this.missionId }, 'tailing mission events failed; retrying');
        await sleep(this.opts.retryMs ?? 1_000, signal);
      }
    }
  }
}

/** The shared tails of one gateway: created on the first subscriber, stopped after the last. */
export class TailRegistry {
  private readonly tails = new Map<string, MissionTail>();

  constructor(
    private readonly store: MissionStore,
    private readonly logger: Logger,
    private readonly opts: TailOptions = {},
  ) {}

  /** Registers `listener` (synchronously, before the caller reads any backlog). */
  add(missionId: string, listener: TailListener): MissionTail {
    let tail = this.tails.get(missionId);
    if (!tail) {
      const created = new MissionTail(this.store, missionId, this.logger, this.opts);
      this.tails.set(missionId, created);
      // A tail that could not start must not catch later subscribers: they get a fresh one.
      created.ready.catch(() => {
        if (this.tails.get(missionId) === created) this.tails.delete(missionId);
      });
      tail = created;
    }
    tail.add(listener);
    return tail;
  }

  remove(missionId: string, listener: TailListener): void {
    const tail = this.tails.get(missionId);
    if (!tail || !tail.has(listener)) return;
    tail.delete(listener);
    if (tail.size === 0) {
      tail.stop();
      this.tails.delete(missionId);
    }
  }

  /** How many missions are tailed now (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }

  closeAll(): void {
    for (const tail of this.tails.values()) tail.stop();
    this.tails.clear();
  }
}
