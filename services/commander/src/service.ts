import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { modelInfo, type ModelsConfig } from '@aime/models';
import { createMissionStore, createRedis, type MissionStore } from '@aime/store';
import { bullConnection, bullPrefix, type RecoverySettings } from '@aime/queues';
import { buildApi, type ApiLimits, type AuthConfig } from './api/index.ts';
import { createAuth, generateOperatorToken } from './api/auth.ts';
import { createWebGuard } from './api/web-guard.ts';
import { attachGateway, type GatewayHandle } from './gateway/index.ts';
import { configureStreamLimits, type StreamLimits } from './gateway/stream-limits.ts';
import { registerFleetMetrics } from './fleet-metrics.ts';
import { langchainPlannerModel } from './planner/model.ts';
import { startPlannerWorker } from './planner/worker.ts';
import type { ReconcilerOptions } from './planner/reconciler.ts';
import type { PlannerModelCall } from './planner/step.ts';
import { createLogger, type ServiceState } from '@aime/service';

export type { ServiceState };

export interface CommanderOptions {
  /** @default 'redis://127.0.0.1:6379' */
  redisUrl?: string;
  /** `redisUrl` names the seed nodes of a Redis Cluster (`AIME_REDIS_CLUSTER=1`). @default false */
  redisCluster?: boolean;
  /** Key prefix of the store; BullMQ uses `${prefix}bull`. @default 'aime:' */
  prefix?: string;
  models: ModelsConfig;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 7400 */
  port?: number;
  /**
   * `AIME_API_KEYS` syntax: "key:role,key:role" (keys of 16+ characters). Without keys the
   * commander generates an operator token (see {@link CommanderHandle.operatorToken}) and requires it.
   */
  apiKeys?: string;
  /** Serve loopback clients without a key when no keys are configured (`AIME_INSECURE_LOOPBACK=1`). @default false */
  insecureLoopback?: boolean;
  /** Callers may decide the approvals of their own missions (`AIME_CALLERS_MAY_APPROVE=1`). @default false */
  callersMayApprove?: boolean;
  /** More allowed `Host`s (`AIME_ALLOWED_HOSTS`); loopback names and the listen host always are. @default [] */
  allowedHosts?: string[];
  /** Origins allowed cross-origin (`AIME_CORS_ORIGINS`); CORS is off without. @default [] */
  corsOrigins?: string[];
  /** More CSP `img-src` sources for the dashboard (`AIME_CSP_IMG_SRC`). @default [] */
  cspImgSrc?: string[];
  /** Built dashboard to serve at `/`. @default apps/dashboard/dist when it exists */
  dashboardDir?: string | null;
  logger?: Logger;
  /** Serve the HTTP API and socket.io gateway. @default true */
  api?: boolean;
  /** Run the planner worker. @default true */
  planner?: boolean;
  /** Replaces the LangChain planner model (tests). */
  plannerModel?: PlannerModelCall;
  plannerConcurrency?: number;
  reaperIntervalMs?: number;
  /** The reconciler's interval, grace and repairs before failing a task (tests, drills). @default see ReconcilerOptions */
  reconciler?: ReconcilerOptions;
  /** How fast a dead commander's planner jobs are taken over (`AIME_PLANNER_*`). @default DEFAULT_RECOVERY */
  plannerRecovery?: Partial<RecoverySettings>;
  /** Budget ceilings and mission caps (`AIME_MAX_*`). @default read from the environment when the API starts (tests) */
  limits?: ApiLimits;
  /** Caps on live streams per key and per address (`AIME_MAX_STREAMS_*`). @default 32 each */
  streamLimits?: StreamLimits;
  /** How long a finished mission is kept, in ms (`AIME_RETENTION`). @default 7 days */
  retentionMs?: number;
  /** Approximate cap of each mission's event stream (`AIME_EVENTS_MAX`). @default 10000 */
  eventsMax?: number;
}

export interface CommanderHandle {
  /** Base URL of the API, e.g. http://127.0.0.1:7400 */
  url: string | null;
  store: MissionStore;
  /**
   * The operator token generated at start when no API keys are configured, else null.
   * Not enumerable, so it never ends up in a serialised or logged handle.
   */
  readonly operatorToken: string | null;
  /** The socket.io gateway (its `io` server), or null when `api` is false. Tests use it to drop sockets server-side. */
  gateway: GatewayHandle | null;
  readonly state: ServiceState;
  wake(missionId: string, reason: string): Promise<void>;
  close(): Promise<void>;
}

/** Where the built dashboard lives, if it was built. */
export function defaultDashboardDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    // The package exports only its source entry (src/index.ts); dist/ sits beside src/.
    const dir = join(dirname(dirname(require.resolve('@aime/dashboard'))), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : null;
  } catch {
    return null;
  }
}

/**
 * The Mission Commander: the planner worker (one step per mission at a time) and the
 * public HTTP API with the socket.io gateway. `close()` drains both.
 */
export async function startCommander(opts: CommanderOptions): Promise<CommanderHandle> {
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  const prefix = opts.prefix ?? 'aime:';
  const logger = (opts.logger ?? createLogger()).child({ component: 'commander' });
  // Open mode is never unauthenticated: a fresh random operator token guards it.
  const operatorToken = (opts.apiKeys ?? '').trim() === '' ? generateOperatorToken() : null;
  const auth: AuthConfig = createAuth({
    apiKeys: opts.apiKeys,
    operatorToken: operatorToken ?? undefined,
    insecureLoopback: opts.insecureLoopback,
    callersMayApprove: opts.callersMayApprove,
  });
  const host = opts.host ?? '127.0.0.1';
  const web = { listenHost: host, allowedHosts: opts.allowedHosts ?? [], corsOrigins: opts.corsOrigins ?? [], cspImgSrc: opts.cspImgSrc ?? [] };
  createWebGuard(web); // validates AIME_ALLOWED_HOSTS / AIME_CORS_ORIGINS before anything starts
  let state: ServiceState = 'starting';

  const target = { url: redisUrl, cluster: opts.redisCluster ?? false };
  const store = createMissionStore({ redis: target, prefix, ...(opts.retentionMs !== undefined ? { retentionMs: opts.retentionMs } : {}), ...(opts.eventsMax !== undefined ? { eventsMax: opts.eventsMax } : {}) });
  if (opts.streamLimits) configureStreamLimits(store, opts.streamLimits);
  const connection = bullConnection(target, (err) => logger.warn({ err }, 'redis connection error'));
  const workerId = `commander-${randomUUID().slice(0, 8)}`;
  const planner = startPlannerWorker({
    store,
    connection,
    bullPrefix: bullPrefix(prefix),
    callModel: opts.plannerModel ?? langchainPlannerModel(opts.models, store, logger),
    logger,
    workerId,
    ...(opts.plannerConcurrency ? { concurrency: opts.plannerConcurrency } : {}),
    ...(opts.reaperIntervalMs ? { reaperIntervalMs: opts.reaperIntervalMs } : {}),
    ...(opts.reconciler ? { reconciler: opts.reconciler } : {}),
    ...(opts.plannerRecovery ? { recovery: opts.plannerRecovery } : {}),
  });
  if (opts.planner === false) await planner.close().catch(() => undefined);

  let url: string | null = null;
  let closeApi: () => Promise<void> = async () => undefined;
  let gatewayHandle: GatewayHandle | null = null;
  if (opts.api !== false) {
    // Rate limits, mission caps and the system view: few retries, so a check fails fast rather
    // than holding a request while Redis is away.
    const apiRedis = createRedis(target, { maxRetriesPerRequest: 2 });
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    // The runtime's instruments of this process and the fleet gauges (missions, queues, approvals, sockets) on the same /metrics.
    let socketClients = (): number => 0;
    const closeFleetMetrics = registerFleetMetrics(metrics, { store, connection, bullPrefix: `${prefix}bull`, socketClients: () => socketClients() });
    const app = await buildApi({
      store,
      redis: apiRedis,
      wake: planner.wake,
      modelInfo: modelInfo(opts.models),
      allowedModels: opts.models.allowedModels ?? [],
      auth,
      web,
      logger,
      metrics,
      ...(opts.limits ? { limits: opts.limits } : {}),
      dashboardDir: opts.dashboardDir === undefined ? defaultDashboardDir() : opts.dashboardDir,
      readiness: async () => {
        const redis = await connection.ping().then((r) => r === 'PONG', () => false);
        const workers = redis ? (await store.listWorkers().catch(() => [])).length > 0 : false;
        return { redis, workers };
      },
    });
    const gateway = attachGateway(app.server, { store, auth, web, logger });
    gatewayHandle = gateway;
    socketClients = () => gateway.io.engine.clientsCount;
    const address = await app.listen({ host, port: opts.port ?? 7400 });
    url = address.replace('[::1]', '127.0.0.1');
    // The token itself is never logged: only the start banner prints it, once.
    if (auth.insecureLoopback) logger.warn('AIME_INSECURE_LOOPBACK=1: loopback clients are served as operators without a key');
    else if (auth.open) logger.info('no API keys configured (AIME_API_KEYS): requests need the operator token generated at start');
    if (opts.insecureLoopback && !auth.open) logger.warn('AIME_INSECURE_LOOPBACK is ignored: API keys are configured');
    closeApi = async () => {
      await gateway.close();
      await app.close();
      await apiRedis.quit().catch(() => apiRedis.disconnect());
      await closeFleetMetrics();
    };
  }
  state = 'running';
  logger.info({ url, workerId }, 'commander running');

  const handle = {
    url,
    store,
    gateway: gatewayHandle,
    get state() {
      return state;
    },
    wake: planner.wake,
    async close() {
      if (state === 'closed' || state === 'draining') return;
      state = 'draining';
      await closeApi();
      if (opts.planner !== false) await planner.close();
      await connection.quit().catch(() => undefined);
      await store.close();
      state = 'closed';
    },
  };
  Object.defineProperty(handle, 'operatorToken', { value: operatorToken, enumerable: false });
  return handle as typeof handle & { readonly operatorToken: string | null };
}
