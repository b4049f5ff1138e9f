import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A connection to a single Redis (or a Sentinel-managed primary) or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Where Redis is: one URL, or with `cluster` the seed nodes of a Redis Cluster as a comma list
 * of URLs (`redis://10.0.0.1:7000,redis://10.0.0.2:7000`; the scheme may be left out after the
 * first). User, password and TLS (`rediss:`) come from the first URL and apply to every node.
 */
export interface RedisTarget {
  url: string;
  /** Connect with ioredis `Cluster` (`AIME_REDIS_CLUSTER=1`). @default false */
  cluster?: boolean;
}

/** What the connection is for. `bullmq`: blocking commands never time out client-side (BullMQ requires it). */
export interface CreateRedisOptions {
  /** Commands a lost connection holds before they fail; `null` = wait for as long as it takes. @default 20 (about 30 s) */
  maxRetriesPerRequest?: number | null;
  /** Connect on the first command (or `connect()`) rather than at once. @default false */
  lazyConnect?: boolean;
  /** Receives connection errors; without a handler they are swallowed (callers see failed commands). */
  onError?: (err: Error) => void;
  /** `connectionName` shown by CLIENT LIST. */
  connectionName?: string;
  /**
   * ioredis `enableAutoPipelining`: the commands issued in one event-loop tick go out in one
   * socket write. The store's connections use it; BullMQ's keep their own settings. @default false
   */
  autoPipelining?: boolean;
}

/** The default Redis when nothing is configured. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

// Every 0.2 s at first, then every 2 s: back within a second of a quick restart, cheap in a long outage.
const retry = (times: number): number => Math.min(times * 200, 2_000);
// A replica promoted away from under us answers READONLY: reconnect to find the new primary.
const reconnectOnError = (err: Error): 2 | false => (err.message.startsWith('READONLY') ? 2 : false);

/** The seed nodes of a comma list of Redis URLs, and the options the first URL carries for all of them. */
export function parseSeedNodes(urls: string): { nodes: Array<{ host: string; port: number }>; redisOptions: RedisOptions } {
  const parts = urls.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new Error('REDIS_URL names no Redis Cluster node');
  const parsed = parts.map((p) => new URL(/^[a-z]+:\/\//i.test(p) ? p : `redis://${p}`));
  const first = parsed[0] as URL;
  const redisOptions: RedisOptions = {};
  if (first.username) redisOptions.username = decodeURIComponent(first.username);
  if (first.password) redisOptions.password = decodeURIComponent(first.password);
  if (first.protocol === 'rediss:') redisOptions.tls = {};
  return { nodes: parsed.map((u) => ({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) })), redisOptions };
}

/**
 * Opens a connection with the runtime's reconnect settings: reconnects for as long as Redis is
 * away, reconnects on READONLY (a failover), and on a Cluster follows MOVED/ASK and re-reads the
 * slot map. Every service, BullMQ and the store connect through here.
 */
export function createRedis(url: string, opts?: CreateRedisOptions): Redis;
export function createRedis(target: RedisTarget | string, opts?: CreateRedisOptions): RedisClient;
export function createRedis(target: RedisTarget | string, opts: CreateRedisOptions = {}): RedisClient {
  const t = typeof target === 'string' ? { url: target } : target;
  const maxRetriesPerRequest = opts.maxRetriesPerRequest === undefined ? 20 : opts.maxRetriesPerRequest;
  const common: RedisOptions = {
    maxRetriesPerRequest,
    reconnectOnError,
    ...(opts.lazyConnect ? { lazyConnect: true } : {}),
    ...(opts.connectionName ? { connectionName: opts.connectionName } : {}),
    ...(opts.autoPipelining ? { enableAutoPipelining: true } : {}),
  };
  let client: RedisClient;
  if (t.cluster) {
    const { nodes, redisOptions } = parseSeedNodes(t.url);
    const options: ClusterOptions = {
      redisOptions: { ...redisOptions, ...common },
      clusterRetryStrategy: retry,
      // A failover (a replica promoted) or a reshard: wait for the new slot map rather than fail.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 300,
      retryDelayOnTryAgain: 200,
      slotsRefreshTimeout: 2_000,
      ...(opts.autoPipelining ? { enableAutoPipelining: true } : {}),
      ...(opts.lazyConnect ? { lazyConnect: true } : {}),
    };
    client = new Cluster(nodes, options);
  } else {
    client = new Redis(t.url, { ...common, retryStrategy: retry });
  }
  // Failures reach callers as rejected commands; without a listener ioredis also prints each one.
  client.on('error', opts.onError ?? (() => undefined));
  return client;
}

/**
 * A new connection to the same Redis (or Cluster) with some options changed: what `duplicate()`
 * does, whose signature differs between `Redis` and `Cluster`.
 */
export function duplicateRedis(client: RedisClient, override: Partial<RedisOptions> = {}): RedisClient {
  if (client instanceof Cluster) {
    return client.duplicate([], { redisOptions: { ...client.options.redisOptions, ...override } });
  }
  return client.duplicate(override);
}

/**
 * The connections that hold data: the Redis itself, or every primary of a Cluster. A command
 * without a key (SCAN, INFO, DBSIZE) must be sent to each of them to cover all keys.
 */
export function primaries(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** Resolves once a Cluster knows its slot map (a plain Redis queues commands until it is ready). */
export async function clusterReady(client: RedisClient): Promise<void> {
  if (!(client instanceof Cluster) || client.status === 'ready') return;
  if (client.status === 'wait') void client.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const onReady = (): void => {
      client.off('end', onEnd);
      resolve();
    };
    const onEnd = (): void => {
      client.off('ready', onReady);
      reject(new Error('the Redis Cluster connection ended before it was ready'));
    };
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

/** Every key matching `pattern`, over all primaries (SCAN on each; a Cluster has no global SCAN). */
export async function scanKeys(client: RedisClient, pattern: string, onBatch: (keys: string[], node: Redis) => Promise<void>): Promise<void> {
  await clusterReady(client);
  for (const node of primaries(client)) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) await onBatch(found, node);
    } while (cursor !== '0');
  }
}

/** Deletes every key matching `pattern` on every primary, one key per command (keys of a batch may sit in different slots). */
export async function deleteKeysMatching(client: RedisClient, pattern: string): Promise<number> {
  let n = 0;
  await scanKeys(client, pattern, async (keys, node) => {
    const pipe = node.pipeline();
    for (const k of keys) pipe.unlink(k);
    await pipe.exec();
    n += keys.length;
  });
  return n;
}

/** One command of {@link readAcross}: a method name of the client and its arguments. */
export type AcrossCommand = [name: string, ...args: Array<string | number>];

/**
 * Runs commands whose keys may sit in different Cluster slots, in order of the replies: one
 * pipeline on a single Redis; on a Cluster each command on its own (ioredis pipelines must stay
 * within one node), sent together. Each reply is `[error, value]` as a pipeline gives.
 */
export async function readAcross(client: RedisClient, commands: AcrossCommand[]): Promise<Array<[Error | null, unknown]>> {
  if (commands.length === 0) return [];
  if (!(client instanceof Cluster)) return ((await client.pipeline(commands).exec()) ?? []) as Array<[Error | null, unknown]>;
  const call = (c: AcrossCommand): Promise<unknown> => {
    const [name, ...args] = c;
    const fn = (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
    if (typeof fn !== 'function') return Promise.reject(new Error(`unknown Redis command ${name}`));
    return fn.apply(client, args);
  };
  const settled = await Promise.allSettled(commands.map(call));
  return settled.map((s) => (s.status === 'fulfilled' ? [null, s.value] : [s.reason instanceof Error ? s.reason : new Error(String(s.reason)), null]));
}
