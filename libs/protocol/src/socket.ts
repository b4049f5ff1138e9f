import type { Event } from './events.ts';
import type { MissionSummary } from './mission.ts';

/** Room that carries MissionSummary updates for mission lists. */
export const MISSIONS_ROOM = 'missions';
export const missionRoom = (missionId: string): string => `mission:${missionId}`;

export interface SubscribeRequest {
  missionId: string;
  /** Replay events after this id first; omit to replay the whole stream. */
  after?: string;
}

export type Ack = (res: { ok: true } | { ok: false; error: { code: string; message: string } }) => void;

/** Events the dashboard (client) sends; shared by server and client so a rename breaks the build. */
export interface ClientToServerEvents {
  subscribe: (req: SubscribeRequest, ack?: Ack) => void;
  unsubscribe: (req: { missionId: string }, ack?: Ack) => void;
}

/** Events the gateway (server) sends. */
export interface ServerToClientEvents {
  /** A mission event, in id order per mission: first the backlog after `after`, then live ones. */
  event: (e: Event) => void;
  /** A MissionSummary update for the `missions` room. */
  mission: (s: MissionSummary) => void;
  /**
   * The server is shutting down: the connection drops right after, and the client reconnects by
   * itself (to another commander, or this one restarted) and resubscribes after its last event id.
   */
  shutdown: (hint: { reconnect: true; reconnectAfterMs: number }) => void;
}

export interface SocketData {
  role: 'caller' | 'operator';
  principal: string;
}
