import type { Logger } from 'pino';
import type { Event } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import { sleep } from './sleep.ts';

/** Receives the live events of a mission, in id order. */
export interface TailListener {
  onEvents(events: Event[]): void;
  /** Where a broadcast reaches this listener (a socket id), when the registry has a broadcast. */
  readonly target?: string;
  /** Instead of `onEvents` when broadcasting: the events this listener is to be sent now (they count as sent). */
  take?(events: Event[]): Event[];
}

/** Sends one event to many targets at once (socket.io: encoded once for all of them). */
export type Broadcast = (event: Event, targets: string[]) => void;

// One serialisation per event, shared by every stream that sends it (the tail hands the same
// Event object to all of its listeners).
const serialised = new WeakMap<Event, string>();

/** `JSON.stringify(event)`, computed once per event object. */
export function eventJson(event: Event): string {
  let json = serialised.get(event);
  if (json === undefined) {
    json = JSON.stringify(event);
    serialised.set(event, json);
  }
  return json;
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
    private readonly broadcast?: Broadcast,
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

  /**
   * Hands a batch to every listener. Listeners reachable by the broadcast are collected per
   * event and sent each event in one broadcast (one encoding for all of them), not one emit each.
   */
  private fanOut(events: Event[]): void {
    const broadcast = this.broadcast;
    const targets = new Map<Event, string[]>();
    for (const listener of [...this.listeners]) {
      try {
        if (broadcast && listener.take && listener.target !== undefined) {
          for (const e of listener.take(events)) {
            const list = targets.get(e);
            if (list) list.push(listener.target);
            else targets.set(e, [listener.target]);
          }
        } else {
          listener.onEvents(events);
        }
      } catch (err) {
        this.logger.error({ err, missionId: this.missionId }, 'event listener failed');
      }
    }
    if (!broadcast || targets.size === 0) return;
    for (const e of events) {
      const list = targets.get(e);
      if (!list) continue;
      try {
        broadcast(e, list);
      } catch (err) {
        this.logger.error({ err, missionId: this.missionId }, 'event broadcast failed');
      }
    }
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
        this.fanOut(events);
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
    private readonly broadcast?: Broadcast,
  ) {}

  /** Registers `listener` (synchronously, before the caller reads any backlog). */
  add(missionId: string, listener: TailListener): MissionTail {
    let tail = this.tails.get(missionId);
    if (!tail) {
      const created = new MissionTail(this.store, missionId, this.logger, this.opts, this.broadcast);
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
