import { Queue } from 'bullmq';
import { z } from 'zod';
import { FailedJobsActionResponse, ListToolsResponse, QUEUES, SystemView, type QueueDepth, type ReconcilerRepair, type RedisStats } from '@aime/protocol';
import { bullPrefix, bullQueueOptions } from '@aime/queues';
import { createRedis, duplicateRedis, scanKeys, type RedisClient } from '@aime/store';
import { ApiError } from './errors.ts';
import { bearer, errorResponses, type RouteContext, type ZodApp } from './route-context.ts';

const ReadyResponse = z.object({ ok: z.boolean(), checks: z.record(z.string(), z.boolean()) });

/** `GET /healthz` and `GET /readyz`: no auth, for load balancers and orchestrators. */
export function registerProbeRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get('/healthz', { schema: { tags: ['system'], summary: 'Liveness', response: { 200: z.object({ ok: z.literal(true) }) } } }, async () => ({ ok: true as const }));

  app.get(
    '/readyz',
    { schema: { tags: ['system'], summary: 'Readiness: 200 when every check passes, else 503 with the checks', response: { 200: ReadyResponse, 503: ReadyResponse } } },
    async (request, reply) => {
      let checks: Record<string, boolean>;
      try {
        checks = await ctx.deps.readiness();
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        checks = { readiness: false };
      }
      const ok = Object.values(checks).every(Boolean);
      return reply.code(ok ? 200 : 503).send({ ok, checks });
    },
  );
}

/** `GET /v1/tools` (any role). */
export function registerToolRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/tools',
    { schema: { tags: ['tools'], security: bearer, summary: 'Tool bundles that live workers can serve', response: { 200: ListToolsResponse, ...errorResponses } } },
    async () => ({ bundles: await ctx.deps.store.listBundles() }),
  );
}

/** `GET /metrics` (operators only). */
export function registerMetricsRoute(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/metrics',
    {
      schema: { tags: ['system'], security: bearer, summary: 'Prometheus metrics (operator)', response: { 200: z.string(), ...errorResponses } },
      // Prometheus text goes out as is, not as a JSON string.
      serializerCompiler: () => (data) => (typeof data === 'string' ? data : JSON.stringify(data)),
    },
    async (_request, reply) => {
      const { registry } = ctx.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}

const QueueParams = z.object({ queue: z.string().min(1).max(200) });
/** Failed jobs retried or dropped per request at most. */
const MAX_FAILED_ACTION = 10_000;
/** How far back the repairs list looks, and how many it shows. */
const REPAIRS_WINDOW_MS = 3_600_000;
const MAX_REPAIRS = 50;
/** Feed entries read per page while looking for repairs (the feed holds about 10,000). */
const FEED_PAGE = 1_000;

/** `name: value` lines of a Redis INFO reply. */
function infoFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) out.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return out;
}

function queueKind(name: string): QueueDepth['kind'] {
  if (name === QUEUES.planner) return 'planner';
  if (name === QUEUES.factory) return 'factory';
  return name.startsWith(QUEUES.actors) ? 'actors' : 'other';
}

/** The id just before a stream id, so a read `after` it starts at that very entry. */
function before(id: string): string {
  const [ms, seq] = id.split('-').map(Number) as [number, number];
  return seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}-18446744073709551615`;
}

/**
 * The machinery view of one commander: BullMQ queues under the store's prefix, the Redis it
 * runs on, and the reconciler's repairs as the mission feed lists them. Queues and the
 * connection are opened on first use and closed with the server.
 */
class SystemReader {
  private conn: RedisClient | undefined;
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly ctx: RouteContext) {}

  private redis(): RedisClient {
    if (!this.conn) {
      // Few retries: an operator's page should fail fast rather than hang while Redis is away.
      this.conn = this.ctx.deps.redis ? duplicateRedis(this.ctx.deps.redis, { maxRetriesPerRequest: 2 }) : createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
      this.conn.on('error', () => undefined);
    }
    return this.conn;
  }

  private get bullPrefix(): string {
    return bullPrefix(this.ctx.deps.store.prefix);
  }

  /** Every BullMQ queue under the prefix (each has a `meta` hash once a queue or worker opened it). */
  async queueNames(): Promise<string[]> {
    const conn = this.redis();
    const escaped = this.bullPrefix.replace(/[*?[\]\\]/g, '\\$&');
    const names = new Set<string>([QUEUES.planner, QUEUES.factory]);
    // On a Redis Cluster each queue has its own hash-tagged prefix `{<bullPrefix>:<name>}` (bullQueueOptions).
    const pattern = conn.isCluster ? `{${escaped}:*}:*:meta` : `${escaped}:*:meta`;
    await scanKeys(conn, pattern, async (keys) => {
      for (const key of keys) names.add(key.slice(conn.isCluster ? key.indexOf('}:') + 2 : this.bullPrefix.length + 1, -':meta'.length));
    });
    return [...names].sort();
  }

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, bullQueueOptions(this.redis(), this.bullPrefix, name));
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async depths(): Promise<QueueDepth[]> {
    const names = await this.queueNames();
    return Promise.all(
      names.map(async (name) => {
        const c = await this.queue(name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
        return { name, kind: queueKind(name), waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
      }),
    );
  }

  async redisStats(): Promise<RedisStats> {
    const info = infoFields(await this.redis().info());
    const num = (k: string) => Number(info.get(k) ?? 0) || 0;
    return {
      version: info.get('redis_version') ?? 'unknown',
      usedMemoryBytes: num('used_memory'),
      usedMemoryHuman: info.get('used_memory_human') ?? '',
      maxMemoryBytes: num('maxmemory'),
      connectedClients: num('connected_clients'),
      uptimeSeconds: num('uptime_in_seconds'),
    };
  }

  /** The `reconciled` warnings of the last hour, newest first, found through the feed (warnings only are read). */
  async repairs(now = Date.now()): Promise<ReconcilerRepair[]> {
    const { store } = this.ctx.deps;
    const warnings: Array<{ missionId: string; eventId: string }> = [];
    let after = `${now - REPAIRS_WINDOW_MS}-0`;
    for (;;) {
      // blockMs 1: a page is whatever is there now, never a wait.
      const page = await store.tailFeed({ after, limit: FEED_PAGE, blockMs: 1 });
      for (const e of page) if (e.type === 'warning') warnings.push({ missionId: e.missionId, eventId: e.eventId });
      if (page.length < FEED_PAGE) break;
      after = page.at(-1)!.id;
    }
    const out: ReconcilerRepair[] = [];
    for (const w of warnings.reverse()) {
      if (out.length >= MAX_REPAIRS) break;
      const [event] = await store.readEvents(w.missionId, { after: before(w.eventId), limit: 1 });
      if (!event || event.id !== w.eventId || event.type !== 'warning') continue;
      const data = event.data as { code?: unknown; message?: unknown; data?: { repair?: unknown } };
      if (data.code !== 'reconciled') continue;
      out.push({
        at: event.ts,
        missionId: w.missionId,
        eventId: event.id,
        ...(event.taskId ? { taskId: event.taskId } : {}),
        kind: typeof data.data?.repair === 'string' ? data.data.repair : 'repair',
        message: typeof data.message === 'string' ? data.message : '',
      });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    await this.conn?.quit().catch(() => this.conn?.disconnect());
    this.conn = undefined;
  }
}

/**
 * `GET /v1/system` and the failed-job actions `POST /v1/system/queues/:queue/failed/retry|drop`
 * (operators only): live workers, queue depths, the reconciler's recent repairs, Redis.
 */
export function registerSystemRoutes(app: ZodApp, ctx: RouteContext): void {
  const reader = new SystemReader(ctx);
  app.addHook('onClose', () => reader.close());

  app.get(
    '/v1/system',
    { schema: { tags: ['system'], security: bearer, summary: 'Workers, queue depths, recent repairs and Redis (operator)', response: { 200: SystemView, ...errorResponses } } },
    async () => {
      const [adverts, queues, repairs, redis] = await Promise.all([ctx.deps.store.listWorkers(), reader.depths(), reader.repairs(), reader.redisStats()]);
      const workers = adverts
        .map((w) => ({
          workerId: w.workerId,
          ...(w.host ? { host: w.host } : {}),
          ...(w.pid !== undefined ? { pid: w.pid } : {}),
          queue: w.queue,
          bundles: w.bundles.map((b) => b.name),
          ...(w.concurrency !== undefined ? { concurrency: w.concurrency } : {}),
          ...(w.busy !== undefined ? { busy: w.busy } : {}),
          startedAt: w.startedAt,
          ...(w.beatAt ? { lastHeartbeat: w.beatAt } : {}),
        }))
        .sort((a, b) => a.workerId.localeCompare(b.workerId));
      return { at: new Date().toISOString(), workers, queues, repairs, redis };
    },
  );

  for (const action of ['retry', 'drop'] as const) {
    app.post(
      `/v1/system/queues/:queue/failed/${action}`,
      {
        schema: {
          tags: ['system'],
          security: bearer,
          summary: action === 'retry' ? 'Retry the failed jobs of a queue (operator)' : 'Drop the failed jobs of a queue (operator)',
          params: QueueParams,
          response: { 200: FailedJobsActionResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { queue: name } = request.params;
        if (!(await reader.queueNames()).includes(name)) throw new ApiError(404, 'not_found', `no queue ${JSON.stringify(name)} under this prefix`);
        const queue = reader.queue(name);
        const failed = await queue.getFailedCount();
        let count: number;
        if (action === 'retry') {
          await queue.retryJobs({ state: 'failed', count: MAX_FAILED_ACTION });
          count = Math.max(0, failed - (await queue.getFailedCount()));
        } else {
          count = (await queue.clean(0, MAX_FAILED_ACTION, 'failed')).length;
        }
        request.log.info({ queue: name, action, count }, 'failed jobs handled by an operator');
        return { queue: name, action, count };
      },
    );
  }
}
