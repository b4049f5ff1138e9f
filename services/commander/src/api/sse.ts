import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Event } from '@aime/protocol';
import type { MissionStore } from '@aime/store';

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
  /** @default 15_000 */
  pingMs?: number;
  /** How long one live read blocks in Redis. @default 5_000 */
  blockMs?: number;
  /** @default 500 */
  pageSize?: number;
}

const FINISHED = 'mission.finished';

/**
 * Streams a mission's events as Server-Sent Events: the backlog after `after`, then live
 * events, until `mission.finished` was sent, the client leaves, or the server shuts down.
 * Events carry no `event:` field so `EventSource.onmessage` receives all of them, and an
 * `id:` so a reconnecting EventSource resumes with `Last-Event-ID`.
 */
export async function streamEvents(opts: SseOptions): Promise<void> {
  const { store, missionId, res, logger } = opts;
  const pageSize = opts.pageSize ?? 500;
  const ac = new AbortController();
  const abort = (): void => ac.abort();
  res.on('close', abort);
  opts.signal.addEventListener('abort', abort, { once: true });

  const write = async (chunk: string): Promise<void> => {
    if (ac.signal.aborted || res.writableEnded) return;
    if (!res.write(chunk)) await once(res, 'drain', { signal: ac.signal });
  };

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies such as nginx would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  const ping = setInterval(() => {
    if (!ac.signal.aborted && !res.writableEnded) res.write(': ping\n\n');
  }, opts.pingMs ?? 15_000);

  let cursor = opts.after;
  let finished = false;
  const send = async (events: Event[]): Promise<void> => {
    for (const e of events) {
      if (ac.signal.aborted) return;
      await write(`id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`);
      cursor = e.id;
      if (e.type === FINISHED) {
        finished = true;
        return;
      }
    }
  };

  try {
    await write(': connected\n\n');
    for (;;) {
      const page = await store.readEvents(missionId, cursor === undefined ? { limit: pageSize } : { after: cursor, limit: pageSize });
      await send(page);
      if (finished || ac.signal.aborted || page.length < pageSize) break;
    }
    while (!finished && !ac.signal.aborted) {
      // An explicit cursor (not "from now") so nothing appended after the backlog read is lost.
      const after = cursor ?? '0-0';
      const events = await store.tailEvents(missionId, { after, blockMs: opts.blockMs ?? 5_000, signal: ac.signal });
      await send(events);
    }
  } catch (err) {
    // The client reconnects with Last-Event-ID, so ending the stream loses nothing.
    if (!ac.signal.aborted) logger.warn({ err, missionId }, 'SSE stream ended by an error');
  } finally {
    clearInterval(ping);
    res.off('close', abort);
    opts.signal.removeEventListener('abort', abort);
    if (!res.writableEnded) res.end();
  }
}
