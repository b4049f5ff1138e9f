import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { z } from 'zod';
import { formatIssues, Id, MISSIONS_ROOM, type Ack, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import { authenticate, bearerToken, canAccess, type AuthConfig } from '../api/auth.ts';
import { createWebGuard, type WebSecurityOptions } from '../api/web-guard.ts';
import { TailRegistry, type TailOptions } from './mission-tail.ts';
import { isRefusal, streamLimiterFor, type StreamLease } from './stream-limits.ts';
import { Subscription } from './subscription.ts';
import { callerMissionsRoom, SummaryFeed, type SummaryFeedOptions } from './summary-feed.ts';

/** The typed socket.io server of the gateway. */

/** How soon a client should reconnect after the shutdown hint. */
const RECONNECT_AFTER_MS = 1_000;
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A running gateway. */
export interface GatewayHandle {
  io: GatewayServer;
  /** Stops every tail loop and disconnects all clients. The HTTP server stays open: its owner closes it. */
  close(): Promise<void>;
}

export interface GatewayDeps {
  store: MissionStore;
  auth: AuthConfig;
  /** The same allowed hosts and origins as the HTTP API. @default loopback names, no CORS */
  web?: WebSecurityOptions;
  logger: Logger;
  /** Timing knobs, mostly for tests. */
  tail?: TailOptions;
  summaries?: SummaryFeedOptions;
}

const SubscribeRequest = z.object({
  missionId: Id,
  after: z.string().regex(/^\d+-\d+$/, 'after must be an event id like 1700000000000-0').optional(),
});
const UnsubscribeRequest = z.object({ missionId: Id });

const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

/**
 * Attaches the socket.io gateway to an HTTP server: authenticated sockets, MissionSummary
 * updates for list views, and per-mission event subscriptions that replay the backlog after
 * `after` and continue live with no gap and no duplicate. Each gateway process tails Redis
 * itself, so any number of them can serve clients.
 */
export function attachGateway(httpServer: HttpServer, deps: GatewayDeps): GatewayHandle {
  const { store, auth } = deps;
  const logger = deps.logger.child({ component: 'gateway' });
  const guard = createWebGuard(deps.web);
  const io: GatewayServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // A browser always sends Origin on the handshake: a foreign page must not read missions,
    // and a rebound DNS name (foreign Host) must not reach them either.
    allowRequest: (req, callback) => {
      const local = req.socket;
      const origin = req.headers.origin;
      const ok = guard.hostAllowed(req.headers.host, local) && (origin === undefined || guard.originAllowed(origin, local));
      callback(ok ? null : 'forbidden origin or host', ok);
    },
  });
  // Live events reach the sockets subscribed to a mission in one broadcast per event: socket.io
  // encodes the packet (and its WebSocket frame) once for all of them.
  const tails = new TailRegistry(store, logger, deps.tail, (event, socketIds) => {
    io.to(socketIds).emit('event', event);
  });
  const feed = new SummaryFeed(
    store,
    (rooms, summary) => {
      io.to(rooms).emit('mission', summary);
    },
    logger,
    deps.summaries,
    () => io.of('/').sockets.size > 0,
  );

  io.use((socket, next) => {
    const handshakeToken: unknown = socket.handshake.auth?.token;
    const token = typeof handshakeToken === 'string' ? handshakeToken : bearerToken(socket.handshake.headers.authorization);
    const result = authenticate(auth, token, socket.handshake.address);
    if (!result.ok) {
      const err = new Error(result.message) as Error & { data?: unknown };
      err.data = { code: result.status === 429 ? 'rate_limited' : 'unauthorized' };
      return next(err);
    }
    socket.data.role = result.role;
    socket.data.principal = result.principal;
    next();
  });

  io.on('connection', (socket) => {
    const who = { role: socket.data.role, principal: socket.data.principal };
    void socket.join(who.role === 'operator' ? MISSIONS_ROOM : callerMissionsRoom(who.principal));
    const subs = new Map<string, Subscription>();
    const leases = new Map<string, StreamLease>();

    const drop = (missionId: string): void => {
      leases.get(missionId)?.release();
      leases.delete(missionId);
      const sub = subs.get(missionId);
      if (!sub) return;
      sub.close();
      subs.delete(missionId);
      tails.remove(missionId, sub);
    };

    socket.on('subscribe', async (req, ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => undefined;
      const parsed = SubscribeRequest.safeParse(req);
      if (!parsed.success) return reply(fail('validation_failed', formatIssues(parsed.error.issues, { style: 'inline', root: 'request' })));
      const { missionId, after } = parsed.data;
      let sub: Subscription | undefined;
      try {
        const record = await store.getMission(missionId);
        if (!record || !canAccess(who, record)) return reply(fail('not_found', `mission ${missionId} not found`));
        // The disconnect handler may already have run during the await: do not leak a tail.
        if (!socket.connected) return;
        drop(missionId);
        // Subscriptions count against the same per-key and per-address caps as SSE streams.
        const lease = streamLimiterFor(store).acquire('socket', who.principal, socket.handshake.address);
        if (isRefusal(lease)) return reply(fail('too_many_streams', lease.message));
        leases.set(missionId, lease);
        const created = new Subscription(
          missionId,
          after,
          (e) => {
            socket.emit('event', e);
          },
          socket.id,
        );
        sub = created;
        subs.set(missionId, created);
        // Registered on the live tail before the backlog is read: that ordering is what rules out gaps.
        const tail = tails.add(missionId, created);
        await tail.ready;
        await created.replay(store);
        reply({ ok: true });
      } catch (err) {
        logger.warn({ err, missionId }, 'subscribe failed');
        if (sub && subs.get(missionId) === sub) drop(missionId);
        reply(fail('internal', 'subscribe failed, try again'));
      }
    });

    socket.on('unsubscribe', (req, ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => undefined;
      const parsed = UnsubscribeRequest.safeParse(req);
      if (!parsed.success) return reply(fail('validation_failed', 'missionId is required'));
      drop(parsed.data.missionId);
      reply({ ok: true });
    });

    socket.on('disconnect', () => {
      for (const missionId of [...subs.keys()]) drop(missionId);
    });
  });

  feed.start();
  logger.info({ open: auth.open, insecureLoopback: auth.insecureLoopback }, 'gateway attached');

  return {
    io,
    async close() {
      feed.stop();
      tails.closeAll();
      // A reconnect hint, then the transport is closed (not a server-side disconnect, after which
      // socket.io clients would not reconnect): clients come back by themselves and resume.
      io.emit('shutdown', { reconnect: true, reconnectAfterMs: RECONNECT_AFTER_MS });
      const conns = [...io.of('/').sockets.values()].map((s) => s.conn);
      await Promise.all(
        conns.map(
          (conn) =>
            new Promise<void>((resolve) => {
              const t = setTimeout(resolve, 1_000);
              conn.once('close', () => {
                clearTimeout(t);
                resolve();
              });
              conn.close();
            }),
        ),
      );
      // Not io.close(): that would also close the HTTP server, which the API owns.
      io.engine.close();
    },
  };
}
