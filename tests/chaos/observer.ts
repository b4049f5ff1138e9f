/**
 * A socket.io client that stays subscribed to every mission of the run, the way the dashboard
 * does: on every (re)connect it subscribes again with `after` = the last event id it saw, so a
 * commander kill or a Redis restart must cost it no event and repeat none. It records what it
 * saw, for the suite's assertions and its recovery times.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Event, ServerToClientEvents } from '@aime/protocol';

/** One event as the client saw it. */
export interface SeenEvent {
  id: string;
  type: string;
  /** The stream id's milliseconds: when Redis wrote the event. */
  writtenMs: number;
  to?: string;
}

/** `<ms>-<seq>` as a pair, for ordering. */
export function parseEventId(id: string): [number, number] {
  const [ms = 'NaN', seq = 'NaN'] = id.split('-');
  return [Number(ms), Number(seq)];
}

/** Negative, zero or positive as `a` is before, equal to or after `b` in stream order. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = parseEventId(a);
  const [bm, bs] = parseEventId(b);
  return am !== bm ? am - bm : as - bs;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export class MissionObserver {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Per mission, every event received, in arrival order. */
  readonly seen = new Map<string, SeenEvent[]>();
  /** Problems seen on arrival: a repeated id, an id not after the previous one. */
  readonly problems: string[] = [];
  /** Subscribe requests the server refused (after which the client retries on its next connect). */
  readonly refusals: string[] = [];
  connects = 0;

  constructor(url: string, token: string) {
    this.socket = io(url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1_000,
      // Never give up: the commander may be down for a while.
      reconnectionAttempts: Infinity,
    });
    this.socket.on('connect', () => {
      this.connects += 1;
      for (const missionId of this.seen.keys()) this.subscribe(missionId);
    });
    this.socket.on('event', (e: Event) => this.record(e));
  }

  /** Starts following a mission (now, or on the next connect). */
  follow(missionId: string): void {
    if (this.seen.has(missionId)) return;
    this.seen.set(missionId, []);
    if (this.socket.connected) this.subscribe(missionId);
  }

  /** Whether the client saw the mission reach a terminal status. */
  terminal(missionId: string): boolean {
    return (this.seen.get(missionId) ?? []).some((e) => e.type === 'mission.status' && e.to !== undefined && TERMINAL.has(e.to));
  }

  close(): void {
    this.socket.close();
  }

  private subscribe(missionId: string): void {
    const last = this.seen.get(missionId)?.at(-1)?.id;
    this.socket.emit('subscribe', { missionId, ...(last ? { after: last } : {}) }, (res) => {
      if (res.ok) return;
      this.refusals.push(`${missionId}: ${res.error.code} ${res.error.message}`);
      // A refusal during a Redis restart is transient: ask again (from the last id seen by then).
      setTimeout(() => {
        if (this.socket.connected) this.subscribe(missionId);
      }, 500);
    });
  }

  private record(e: Event): void {
    const list = this.seen.get(e.missionId);
    if (!list) return;
    const prev = list.at(-1);
    if (list.some((s) => s.id === e.id)) this.problems.push(`${e.missionId}: event ${e.id} (${e.type}) received twice`);
    else if (prev && compareEventIds(e.id, prev.id) <= 0) this.problems.push(`${e.missionId}: event ${e.id} (${e.type}) came after ${prev.id}`);
    const to = e.type === 'mission.status' ? (e.data as { to?: string }).to : undefined;
    list.push({ id: e.id, type: e.type, writtenMs: parseEventId(e.id)[0], ...(to ? { to } : {}) });
  }
}
