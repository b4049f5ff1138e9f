/**
 * Scale-out across processes (issue 12 item 2): the services as separate OS processes, as a
 * deployment runs them (the sim model server, the commander with API and planner, the actor
 * factory, and 1, 2, then 4 actor-worker processes, each `node --import tsx <service>/main.ts`),
 * against the shared Redis on a fresh prefix. Each round submits the same batch of bench missions
 * (`bench: 10 parallel tasks, 1 tool call each`, sim at zero latency) through the HTTP API and
 * measures missions/s and subtasks/s from the first submit to the last `mission.finished`, and the
 * CPU seconds every process used. Scaling is the throughput with k workers over that with one.
 * On a machine with few cores the processes share the same CPUs, so more workers cannot scale
 * linearly there: the figure shows how much of the work is the actor side at all.
 * `BENCH_SCALEOUT_MISSIONS` (default 30) and `BENCH_SCALEOUT_WORKERS` (default 1,2,4) change it;
 * `BENCH_SCALEOUT_CLUSTER=1` runs the same on a local 3-primary Redis Cluster the bench starts
 * (the processes get `REDIS_URL=<seed list>` and `AIME_REDIS_CLUSTER=1`, nothing else changes).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMissionStore, deleteKeysMatching, createRedis, type MissionStore } from '@aime/store';
import { LocalRedisCluster } from '../tests/helpers/redis-cluster.ts';
import { freePort, until } from '../tests/helpers/redis-server.ts';
import { ServiceProcess } from '../tests/helpers/service-process.ts';
import { writeResult } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';
import type { BenchContext, BenchResult } from './types.ts';

const MISSIONS = Number(process.env.BENCH_SCALEOUT_MISSIONS ?? 30);
const WORKER_COUNTS = (process.env.BENCH_SCALEOUT_WORKERS ?? '1,2,4').split(',').map(Number);
const ON_CLUSTER = process.env.BENCH_SCALEOUT_CLUSTER === '1';
const SUBTASKS = 10;
/** Actor jobs each worker process runs at once (the same in every round: adding processes adds capacity). */
const PER_WORKER_CONCURRENCY = 16;
const GOAL = `bench: ${SUBTASKS} parallel tasks, 1 tool call each`;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path: string): string => join(root, path);

interface Round {
  workers: number;
  missions: number;
  succeeded: number;
  wallSeconds: number;
  missionsPerSecond: number;
  subtasksPerSecond: number;
  missionLatencyMs: ReturnType<typeof summarize>;
  /** CPU seconds of every process during the round, by role. */
  cpuSeconds: Record<string, number>;
  cpuMsPerSubtask: number;
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const cluster = ON_CLUSTER ? new LocalRedisCluster(3) : null;
  if (cluster) await cluster.start();
  const target = cluster ? { url: cluster.url, cluster: true } : { url: ctx.redisUrl };
  try {
    return await runOn(ctx, target);
  } finally {
    await cluster?.stop();
  }
}

async function runOn(ctx: BenchContext, target: { url: string; cluster?: boolean }): Promise<BenchResult> {
  const prefix = `bench-scaleout-${randomUUID()}:`;
  const key = randomBytes(24).toString('base64url');
  const logDir = mkdtempSync(join(tmpdir(), 'aime-scaleout-'));
  const [simPort, apiPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${apiPort}`;
  const common: Record<string, string> = {
    REDIS_URL: target.url,
    ...(target.cluster ? { AIME_REDIS_CLUSTER: '1' } : {}),
    AIME_PREFIX: prefix,
    AIME_MODEL: 'sim',
    AIME_SIM_URL: `http://127.0.0.1:${simPort}/v1`,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  };
  const healthy = (base: string) => async () => (await fetch(`${base}/healthz`)).ok;
  const sim = new ServiceProcess('sim', at('libs/sim/src/main.ts'), { AIME_SIM_PORT: String(simPort), AIME_SIM_LATENCY_MS: '0', AIME_SIM_WORLDS: at('bench/world/index.ts') }, logDir, healthy(`http://127.0.0.1:${simPort}`), root);
  const commander = new ServiceProcess(
    'commander',
    at('services/commander/src/main.ts'),
    // A bench measures the runtime, not the per-caller limits.
    { ...common, AIME_PORT: String(apiPort), AIME_API_KEYS: `${key}:operator`, AIME_MAX_MISSIONS_IN_FLIGHT_PER_CALLER: '100000', AIME_MAX_MISSIONS_PER_MINUTE: '100000' },
    logDir,
    healthy(api),
    root,
  );
  const factory = new ServiceProcess('factory', at('services/actor-factory/src/main.ts'), common, logDir, undefined, root);
  const workerEnv = { ...common, AIME_PLUGINS: at('bench/scaleout/plugin.ts'), AIME_ACTOR_CONCURRENCY: String(PER_WORKER_CONCURRENCY) };
  const store = createMissionStore({ redis: target, prefix });
  const all: ServiceProcess[] = [sim, commander, factory];
  const rounds: Round[] = [];
  try {
    await sim.start();
    await commander.start();
    await factory.start();
    for (const k of WORKER_COUNTS) {
      const workers = Array.from({ length: k }, (_, i) => new ServiceProcess(`actor-${k}-${i + 1}`, at('services/actors/src/main.ts'), workerEnv, logDir, undefined, root));
      all.push(...workers);
      await Promise.all(workers.map((w) => w.start()));
      await until(`${k} actor workers advertised`, async () => (await store.listWorkers()).length === k, 60_000);
      // Warm-up: every process has loaded its modules and opened its connections before the clock starts.
      await runBatch(store, api, key, Math.max(2, k));
      const cpu0 = cpuOf([sim, commander, factory, ...workers]);
      const batch = await runBatch(store, api, key, MISSIONS);
      const cpu1 = cpuOf([sim, commander, factory, ...workers]);
      const cpuSeconds: Record<string, number> = {};
      for (const [role, s] of Object.entries(cpu1)) cpuSeconds[role] = round(s - (cpu0[role] ?? 0), 2);
      const totalCpu = Object.values(cpuSeconds).reduce((a, b) => a + b, 0);
      rounds.push({
        workers: k,
        missions: MISSIONS,
        succeeded: batch.succeeded,
        wallSeconds: round(batch.wallSeconds, 2),
        missionsPerSecond: round(MISSIONS / batch.wallSeconds, 2),
        subtasksPerSecond: round((MISSIONS * SUBTASKS) / batch.wallSeconds, 1),
        missionLatencyMs: summarize(batch.latencies),
        cpuSeconds,
        cpuMsPerSubtask: round((totalCpu * 1000) / (MISSIONS * SUBTASKS), 1),
      });
      // Stopped gracefully (SIGTERM drains), so the next round starts with exactly its own workers.
      await Promise.all(workers.map((w) => w.stop()));
      await until('the stopped workers left the registry', async () => (await store.listWorkers()).length === 0, 30_000);
    }
  } finally {
    await Promise.all(all.map((p) => p.stop().catch(() => undefined)));
    for (const p of all) p.close();
    await store.close();
    const redis = createRedis(target);
    await deleteKeysMatching(redis, `${prefix}*`);
    // On a cluster BullMQ's keys start with the queue's hash tag `{<prefix>bull:<queue>}`.
    await deleteKeysMatching(redis, `{${prefix}*`).finally(() => redis.quit());
  }

  const one = rounds.find((r) => r.workers === 1) ?? rounds[0];
  const scaling = Object.fromEntries(rounds.map((r) => [`${r.workers}`, one ? round(r.subtasksPerSecond / one.subtasksPerSecond, 2) : null]));
  const figures = {
    missionsPerRound: MISSIONS,
    subtasksPerMission: SUBTASKS,
    perWorkerConcurrency: PER_WORKER_CONCURRENCY,
    rounds,
    scalingVsOneWorker: scaling,
    redis: target.cluster ? 'a local 3-primary Redis Cluster (AIME_REDIS_CLUSTER=1)' : 'one Redis',
    cpus: ctx.machine.cpus,
    baselineJobsPerSecAt50: ctx.baseline.jobsPerSecAt50,
    note: `${ctx.machine.cpus} CPU(s) shared by every process and Redis: more worker processes cannot scale linearly on this machine`,
  };
  const file = writeResult(target.cluster ? 'scaleout-cluster' : 'scaleout', { machine: ctx.machine, ...figures });
  return {
    name: `scale-out (services as separate processes${target.cluster ? ' on a 3-primary Redis Cluster' : ''}, ${WORKER_COUNTS.join('/')} actor-worker processes, ${MISSIONS} missions × ${SUBTASKS} subtasks each round)`,
    file,
    figures,
    rows: [
      ...rounds.map((r): [string, string] => [
        `${r.workers} worker process${r.workers === 1 ? '' : 'es'}`,
        `${r.subtasksPerSecond} subtasks/s, ${r.missionsPerSecond} missions/s (×${scaling[`${r.workers}`]} vs 1), ${r.succeeded}/${r.missions} succeeded, ${r.cpuMsPerSubtask} ms CPU per subtask`,
      ]),
      ['CPU seconds by role, last round', JSON.stringify(rounds.at(-1)?.cpuSeconds ?? {})],
      ['raw BullMQ jobs/s at concurrency 50 (same run)', String(ctx.baseline.jobsPerSecAt50)],
      ['note', figures.note],
    ],
  };
}

/** CPU seconds so far of each process, summed by role (sim, commander, factory, actors). */
function cpuOf(processes: ServiceProcess[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of processes) {
    const role = p.name.startsWith('actor-') ? 'actors' : p.name;
    out[role] = (out[role] ?? 0) + (p.cpuSeconds() ?? 0);
  }
  return out;
}

/** Submits `n` bench missions through the API at once and waits for all of them to end. */
async function runBatch(store: MissionStore, api: string, key: string, n: number): Promise<{ succeeded: number; wallSeconds: number; latencies: number[] }> {
  const wall0 = Date.now();
  const ids = await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(`${api}/v1/missions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ goal: GOAL }) });
      if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    }),
  );
  const pending = new Set(ids);
  const statuses = new Map<string, string>();
  const deadline = Date.now() + 5 * 60_000;
  while (pending.size && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const records = await Promise.all([...pending].map(async (id) => [id, await store.getMission(id)] as const));
    for (const [id, m] of records) {
      if (m && TERMINAL.has(m.status)) {
        pending.delete(id);
        statuses.set(id, m.status);
      }
    }
  }
  if (pending.size) throw new Error(`${pending.size} scale-out missions still running after 5 minutes`);
  // The end of each mission is its mission.finished event, not the poll that noticed it.
  const latencies: number[] = [];
  let end = wall0;
  for (const id of ids) {
    const events = await store.readEvents(id, { limit: 10_000 });
    const finished = Date.parse(events.findLast((e) => e.type === 'mission.finished')?.ts ?? new Date().toISOString());
    latencies.push(finished - wall0);
    end = Math.max(end, finished);
  }
  return { succeeded: [...statuses.values()].filter((s) => s === 'succeeded').length, wallSeconds: (end - wall0) / 1000, latencies };
}
