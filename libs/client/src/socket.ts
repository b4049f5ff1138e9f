import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { compareEventIds, type ClientToServerEvents, type Event, type ServerToClientEvents } from '@aime/protocol';
import { AimeError, CLIENT_ERROR_CODES } from './errors.ts';

/** A socket typed by the protocol's event maps, so a renamed event breaks the build. */
export type AimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketClientOptions {
  /** The server, e.g. `http://127.0.0.1:7400`; omit in a browser for the page's origin. */
  url?: string;
  /** Sent in the handshake's `auth.token`; a function is read at every (re)connect. */
  apiKey?: string | (() => string | undefined);
  /** Passed to socket.io-client's `io()` (reconnection delays, transports...). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/**
 * A socket.io connection to the gateway, reconnecting by itself. Operators receive
 * `mission` (MissionSummary) updates of every mission; `subscribe` asks for one mission's events.
 */
export function connectSocket(opts: SocketClientOptions = {}): AimeSocket {
  const key = opts.apiKey;
  const options: Partial<ManagerOptions & SocketOptions> = {
    // A function, so a reconnect after the key changed sends the new key.
    auth: (cb) => {
      const token = typeof key === 'function' ? key() : key;
      cb(token ? { token } : {});
    },
    ...opts.socketOptions,
  };
  return (opts.url ? io(opts.url, options) : io(options)) as AimeSocket;
}

export interface SocketEventsOptions extends SocketClientOptions {
  /** Start after this event id; omit for the whole stream. */
  after?: string;
  /** Stops the stream and closes the socket; the iterator then ends without an error. */
  signal?: AbortSignal;
  /** Called on each (re)connect with the id the subscription resumes after, and on each drop. */
  onConnection?: (change: { state: 'open'; after: string | undefined } | { state: 'retrying'; reason: string }) => void;
}

/**
 * A mission's events over socket.io: the backlog after `after`, then live events, ending after
 * `mission.finished`. After a dropped connection socket.io reconnects and the subscription is
 * renewed after the last event received, and an event already seen is skipped, so the caller
 * sees each event once and in id order. A refused handshake (bad key, foreign origin) or a
 * refused subscription (unknown mission) ends it with an AimeError.
 */
export async function* socketEvents(missionId: string, opts: SocketEventsOptions = {}): AsyncGenerator<Event, void, undefined> {
  const socket = connectSocket(opts);
  const queue: Event[] = [];
  let failure: AimeError | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  // The newest id queued (maybe not yet yielded): a renewed subscription resumes after it.
  let newest = opts.after;
  const fail = (err: AimeError) => {
    failure ??= err;
    notify();
  };

  socket.on('event', (e) => {
    if (e.missionId !== missionId) return;
    if (newest !== undefined && compareEventIds(e.id, newest) <= 0) return;
    newest = e.id;
    queue.push(e);
    notify();
  });
  socket.on('connect', () => {
    opts.onConnection?.({ state: 'open', after: newest });
    socket.emit('subscribe', newest ? { missionId, after: newest } : { missionId }, (res) => {
      if (!res.ok) fail(new AimeError(res.error.code, res.error.message));
    });
  });
  socket.on('disconnect', (reason) => {
    // The server closed us on purpose (a restart): socket.io does not retry that by itself.
    if (reason === 'io server disconnect') socket.connect();
    opts.onConnection?.({ state: 'retrying', reason });
  });
  socket.on('connect_error', (err) => {
    // `active` false: the server refused the handshake; retrying will not help.
    if (!socket.active) fail(new AimeError('unauthorized', `the gateway refused the connection: ${err.message}`, 401));
  });
  socket.io.on('reconnect_failed', () => fail(new AimeError(CLIENT_ERROR_CODES.network, 'gave up reconnecting to the gateway')));
  const onAbort = () => notify();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for (;;) {
      while (queue.length) {
        const e = queue.shift()!;
        yield e;
        if (e.type === 'mission.finished') return;
      }
      if (opts.signal?.aborted) return;
      if (failure) throw failure;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    socket.removeAllListeners();
    socket.io.removeAllListeners();
    socket.disconnect();
  }
}
