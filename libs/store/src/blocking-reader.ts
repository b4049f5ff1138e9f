import { duplicateRedis, type RedisClient } from './redis-connection.ts';
import type { StreamEntries } from './codec.ts';

/** How many idle blocking connections are kept for reuse. */
const MAX_IDLE = 8;

/**
 * Runs XREAD BLOCK on connections of its own, so a long poll never blocks the store's main
 * connection. Idle connections are pooled; a connection whose read was aborted is
 * disconnected (that is the only way to interrupt XREAD BLOCK) and never reused.
 */
export class BlockingReader {
  private readonly idle: RedisClient[] = [];
  private readonly busy = new Set<RedisClient>();
  private closed = false;

  constructor(private readonly main: RedisClient) {}

  /**
   * Entries of `key` after `after`, waiting up to `blockMs` (0 = until abort) for the first.
   * Resolves `[]` on timeout, on abort, and when the reader is closed meanwhile.
   */
  async read(key: string, after: string, opts: { blockMs: number; limit?: number; signal?: AbortSignal }): Promise<StreamEntries> {
    const { signal } = opts;
    if (this.closed || signal?.aborted) return [];
    const conn = this.take();
    const onAbort = (): void => conn.disconnect();
    signal?.addEventListener('abort', onAbort, { once: true });
    let reusable = true;
    try {
      const args: (string | number)[] = [];
      if (opts.limit !== undefined) args.push('COUNT', opts.limit);
      args.push('BLOCK', opts.blockMs, 'STREAMS', key, after);
      const reply = (await conn.call('XREAD', ...args)) as [string, StreamEntries][] | null;
      return reply?.[0]?.[1] ?? [];
    } catch (err) {
      reusable = false;
      if (signal?.aborted || this.closed) return [];
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.give(conn, reusable && !signal?.aborted);
    }
  }

  /** Disconnects every connection, interrupting reads in flight (they resolve `[]`). */
  close(): void {
    this.closed = true;
    for (const c of [...this.idle, ...this.busy]) c.disconnect();
    this.idle.length = 0;
    this.busy.clear();
  }

  private take(): RedisClient {
    const conn = this.idle.pop() ?? this.create();
    this.busy.add(conn);
    return conn;
  }

  private give(conn: RedisClient, reusable: boolean): void {
    this.busy.delete(conn);
    if (reusable && !this.closed && this.idle.length < MAX_IDLE) this.idle.push(conn);
    else conn.disconnect();
  }

  private create(): RedisClient {
    // A blocked command must not be retried on a reconnect after we disconnect it on purpose.
    // On a Cluster the duplicate is a Cluster too: XREAD goes to the node serving the stream's slot.
    const conn = duplicateRedis(this.main, { maxRetriesPerRequest: 0, enableOfflineQueue: true, enableAutoPipelining: false });
    // Errors reach callers as rejected commands; without a listener ioredis would also print them.
    conn.on('error', () => undefined);
    return conn;
  }
}
