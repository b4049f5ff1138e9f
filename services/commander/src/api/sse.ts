import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ErrorResponse, Event } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import { eventJson, TailRegistry, type TailOptions } from '../gateway/mission-tail.ts';
import { isRefusal, streamLimiterFor } from '../gateway/stream-limits.ts';
import { Subscription } from '../gateway/subscription.ts';

/** Options of one SSE stream of a mission's events. */
export interface SseOptions {
  store: MissionStore;
  missionId: string;
  /** Send events after this id (all when omitted). */
  after: string | undefined;
  res: ServerResponse;
  logger: Pick<FastifyBaseLogger, 'warn'>;
  /** Aborted when the server shuts down. */
  signal: AbortSignal;
  /** Who opens the stream: counted against the per-key and per-address caps (429 beyond). */
  client?: { key: string; address: string };
  /** Where the stream gauges are registered (the API's /metrics registry). */
  registry?: Registry;
  /** @default 15_000 */
  pingMs?: number;
  /** Timing of the shared Redis tail (created by the first stream of a mission). */
  tail?: TailOptions;
  /** @default 500 */
  pageSize?: number;
  /** A client that lets this many bytes pile up unread is dropped; it reconnects with Last-Event-ID. @default 1 MiB */
  maxBufferedBytes?: number;
}

const FINISHED = 'mission.finished';

// One registry of shared tails per store object, i.e. per process in production: every SSE
// stream of a mission reads from the same Redis tail, so Redis connections stay constant in
// the number of clients.
const tailsByStore = new WeakMap<MissionStore, TailRegistry>();

function sharedTails(store: MissionStore, logger: Pick<FastifyBaseLogger, 'warn'>, opts: TailOptions | undefined): TailRegistry {
  let tails = tailsByStore.get(store);
  if (!tails) {
    tails = new TailRegistry(store, logger as unknown as Logger, opts);
    tailsByStore.set(store, tails);
  }
  return tails;
}

/** How many missions the SSE streams over `store` tail right now (tests, metrics). */
export function sseTailCount(store: MissionStore): number {
  return tailsByStore.get(store)?.size ?? 0;
}

function refuse(res: ServerResponse, message: string): void {
  const body: ErrorResponse = { error: { code: 'too_many_streams', message } };
  res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
  res.end(JSON.stringify(body));
}

/**
 * Streams a mission's events as Server-Sent Events: the backlog after `after`, then live
 * events, until `mission.finished` was sent, the client leaves, or the server shuts down.
 * Live events come from the one tail this process keeps per mission (shared with every other
 * stream of it); the backlog is read page by page. Events carry no `event:` field so
 * `EventSource.onmessage` receives all of them, and an `id:` so a reconnecting EventSource
 * resumes with `Last-Event-ID`.
 */
export async function streamEvents(opts: SseOptions): Promise<void> {
  const { store, missionId, res, logger } = opts;
  const limiter = streamLimiterFor(store);
  if (opts.registry) limiter.register(opts.registry);
  const lease = opts.client ? limiter.acquire('sse', opts.client.key, opts.client.address) : undefined;
  if (lease && isRefusal(lease)) return refuse(res, lease.message);

  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  res.on('close', resolveDone);
  // The shutdown signal is meant to be heard by every open stream, hundreds of them at once.
  setMaxListeners(0, opts.signal);
  opts.signal.addEventListener('abort', resolveDone, { once: true });
  const open = (): boolean => !res.writableEnded && !res.destroyed && !opts.signal.aborted;

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies such as nginx would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  const ping = setInterval(() => {
    if (open()) res.write(': ping\n\n');
  }, opts.pingMs ?? 15_000);

  const sub = new Subscription(missionId, opts.after, (e: Event) => {
    if (!open()) return;
    res.write(`id: ${e.id}\ndata: ${eventJson(e)}\n\n`);
    if (e.type === FINISHED) resolveDone();
    // A reader that does not keep up would make this process buffer without bound.
    else if (res.writableLength > maxBuffered) resolveDone();
  });
  const tails = sharedTails(store, logger, opts.tail);
  try {
    res.write(': connected\n\n');
    const work = (async () => {
      // Registered on the live tail before the backlog is read: that ordering rules out gaps.
      const tail = tails.add(missionId, sub);
      await tail.ready;
      await sub.replay(store, opts.pageSize ?? 500);
    })();
    // A client that leaves during a long backlog ends the stream at once; a late error is moot.
    work.catch(() => undefined);
    await Promise.race([work.then(() => done), done]);
  } catch (err) {
    // The client reconnects with Last-Event-ID, so ending the stream loses nothing.
    if (open()) logger.warn({ err, missionId }, 'SSE stream ended by an error');
  } finally {
    sub.close();
    tails.remove(missionId, sub);
    clearInterval(ping);
    res.off('close', resolveDone);
    opts.signal.removeEventListener('abort', resolveDone);
    lease?.release();
    // Shutting down: EventSource reconnects after `retry` ms with Last-Event-ID and misses nothing.
    if (opts.signal.aborted && !res.writableEnded && !res.destroyed) res.write('retry: 1000\n: server shutting down, reconnect\n\n');
    if (!res.writableEnded) res.end();
  }
}
