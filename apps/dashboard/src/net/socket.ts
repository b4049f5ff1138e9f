import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@aime/protocol';
import { getApiKey, subscribeApiKey } from './api-key.ts';

/** The dashboard's socket, typed by the shared event maps so a renamed event breaks the build. */
export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the connection badge shows. */
export type ConnectionState = 'live' | 'reconnecting' | 'offline';

export interface ConnectionInfo {
  state: ConnectionState;
  /** Why, when not live (e.g. the server refused the key). Never contains the key. */
  detail?: string;
}

let socket: AppSocket | undefined;
let info: ConnectionInfo = { state: 'reconnecting', detail: 'connecting' };
const listeners = new Set<() => void>();

function setInfo(next: ConnectionInfo): void {
  if (next.state === info.state && next.detail === info.detail) return;
  info = next;
  for (const l of listeners) l();
}

function browserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/** The one shared socket (same origin as the dashboard), created on first use. */
export function getSocket(): AppSocket {
  if (socket) return socket;
  const s: AppSocket = io({
    // A function, so a reconnect after the key changed sends the new key.
    auth: (cb) => {
      const token = getApiKey();
      cb(token ? { token } : {});
    },
  });
  s.on('connect', () => setInfo({ state: 'live' }));
  s.on('disconnect', (reason) => {
    // The server closed us on purpose (e.g. a restart): socket.io does not retry that by itself.
    if (reason === 'io server disconnect') s.connect();
    setInfo(browserOffline() ? { state: 'offline', detail: 'the browser is offline' } : { state: 'reconnecting', detail: reason });
  });
  s.on('connect_error', (err) => {
    // `active` false means the server refused the handshake (bad key): retrying will not help.
    if (!s.active) {
      const msg = /unauth|401|key|token/i.test(err.message) ? 'the server needs a valid API key' : err.message;
      setInfo({ state: 'offline', detail: msg });
    } else {
      setInfo({ state: browserOffline() ? 'offline' : 'reconnecting', detail: err.message });
    }
  });
  s.io.on('reconnect_failed', () => setInfo({ state: 'offline', detail: 'gave up reconnecting' }));
  if (typeof window !== 'undefined') {
    window.addEventListener('offline', () => setInfo({ state: 'offline', detail: 'the browser is offline' }));
    window.addEventListener('online', () => {
      if (!s.connected) {
        setInfo({ state: 'reconnecting', detail: 'back online' });
        s.connect();
      }
    });
  }
  subscribeApiKey(() => {
    s.disconnect();
    setInfo({ state: 'reconnecting', detail: 'reconnecting with the new key' });
    s.connect();
  });
  socket = s;
  return s;
}

export function getConnectionInfo(): ConnectionInfo {
  return info;
}

export function subscribeConnection(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
