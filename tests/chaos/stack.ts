/**
 * The services of a chaos run as separate OS processes on a Redis of the run's own: the
 * commander (API, gateway, planner), the actor factory, two actor workers and the sim model
 * server, each restartable after a SIGKILL on the same ports.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, RedisServer, ServiceProcess } from './processes.ts';

/** The processes the suite may kill. */
export const VICTIMS = ['commander', 'factory', 'actor-1', 'actor-2', 'sim'] as const;
export type Victim = (typeof VICTIMS)[number];

export interface ChaosStack {
  prefix: string;
  /** The operator API key (AIME_API_KEYS). */
  key: string;
  url: string;
  redis: RedisServer;
  /** A client of the run's Redis that reconnects through restarts (for reads at the end). */
  admin: Redis;
  services: Record<Victim, ServiceProcess>;
  api<T>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Faults the sim injected so far, over all its incarnations. */
  faultsInjected(): Record<string, number>;
  /** Restarts a killed service, counting the faults of the sim's previous incarnation first. */
  restart(name: Victim): Promise<void>;
  close(): Promise<void>;
}

/** The fault counts of the sim's `stats` line, from its current incarnation. */
function lastSimStats(sim: ServiceProcess): Record<string, number> {
  const line = [...sim.lines].reverse().find((l) => l.startsWith('stats '));
  return line ? (JSON.parse(line.slice('stats '.length)) as { faults: Record<string, number> }).faults : {};
}

export async function startChaosStack(opts: { root: string; workDir: string; seed: number; faultRate: number; /** Model latency, so missions overlap the chaos. */ latencyMs: number }): Promise<ChaosStack> {
  const redisDir = join(opts.workDir, 'redis');
  const logDir = join(opts.workDir, 'logs');
  mkdirSync(redisDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const [redisPort, simPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const redis = new RedisServer(redisPort, redisDir);
  await redis.start();

  const prefix = `chaos-${randomUUID()}:`;
  const key = randomBytes(24).toString('base64url');
  const url = `http://127.0.0.1:${apiPort}`;
  const simUrl = `http://127.0.0.1:${simPort}/v1`;
  // Short recovery settings, as the integration tests use: a dead worker's job is taken over within ~3 s.
  const recovery: Record<string, string> = {};
  for (const role of ['ACTOR', 'FACTORY', 'PLANNER']) {
    recovery[`AIME_${role}_LOCK_MS`] = '2000';
    recovery[`AIME_${role}_STALLED_INTERVAL_MS`] = '1000';
  }
  const common: Record<string, string> = {
    REDIS_URL: redis.url,
    AIME_PREFIX: prefix,
    AIME_MODEL: 'sim',
    AIME_SIM_URL: simUrl,
    AIME_ACTOR_HEARTBEAT_MS: '500',
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'info',
    ...recovery,
  };
  const healthy = (base: string) => async () => (await fetch(`${base}/healthz`)).ok;
  const at = (path: string) => join(opts.root, path);
  const services: Record<Victim, ServiceProcess> = {
    sim: new ServiceProcess(
      'sim',
      at('tests/chaos/sim-process.ts'),
      { AIME_SIM_PORT: String(simPort), AIME_SIM_FAULT_RATE: String(opts.faultRate), AIME_SIM_FAULT_KINDS: 'rate_limit,server_error,malformed_json', AIME_SIM_SEED: String(opts.seed), AIME_SIM_LATENCY_MS: String(opts.latencyMs) },
      logDir,
      healthy(`http://127.0.0.1:${simPort}`),
      opts.root,
    ),
    commander: new ServiceProcess(
      'commander',
      at('services/commander/src/main.ts'),
      {
        ...common,
        AIME_PORT: String(apiPort),
        AIME_API_KEYS: `${key}:operator`,
        // One watcher follows every mission; the run stays under the caller limits on purpose.
        AIME_MAX_STREAMS_PER_KEY: '256',
        AIME_MAX_STREAMS_PER_ADDRESS: '256',
        AIME_MAX_MISSIONS_IN_FLIGHT_PER_CALLER: '200',
      },
      logDir,
      healthy(url),
      opts.root,
    ),
    factory: new ServiceProcess('factory', at('services/actor-factory/src/main.ts'), common, logDir, undefined, opts.root),
    'actor-1': new ServiceProcess('actor-1', at('services/actors/src/main.ts'), common, logDir, undefined, opts.root),
    'actor-2': new ServiceProcess('actor-2', at('services/actors/src/main.ts'), common, logDir, undefined, opts.root),
  };
  const admin = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2_000) });
  admin.on('error', () => undefined);
  const faultsBefore: Record<string, number> = {};
  const addFaults = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  };

  const stack: ChaosStack = {
    prefix,
    key,
    url,
    redis,
    admin,
    services,
    async api(path, body) {
      const res = await fetch(`${url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
    },
    faultsInjected() {
      const total = { ...faultsBefore };
      addFaults(total, lastSimStats(services.sim));
      return total;
    },
    async restart(name) {
      if (name === 'sim') addFaults(faultsBefore, lastSimStats(services.sim));
      await services[name].start();
    },
    async close() {
      await Promise.all(Object.values(services).map((s) => s.stop().catch(() => undefined)));
      for (const s of Object.values(services)) s.close();
      admin.disconnect();
      await redis.shutdown().catch(() => redis.kill());
    },
  };
  try {
    await services.sim.start();
    // The commander first: its start creates the indexes the workers expect.
    await services.commander.start();
    await Promise.all([services.factory.start(), services['actor-1'].start(), services['actor-2'].start()]);
  } catch (err) {
    await stack.close();
    throw err;
  }
  return stack;
}
