import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startActorFactory, type ActorFactoryHandle } from '@aime/actor-factory';
import { startActorWorker, type ActorWorkerHandle } from '@aime/actors';
import { startCommander } from '@aime/commander';
import { modelsConfigFromEnv } from '@aime/models';
import { createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import type { Mission, Task } from '@aime/protocol';
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer, type SimServerHandle } from '@aime/sim';
import { deleteKeys } from '@aime/testing';
import { REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL, withHelpers, type TestStack } from '../helpers/stack.ts';

// Short settings: a dead worker's lease expires after 3 × 300 ms, its job's lock after 2 s.
const HEARTBEAT_MS = 300;
const RECOVERY = { lockMs: 2_000, stalledIntervalMs: 500, maxStalled: 3 };
const FIXTURE = fileURLToPath(new URL('../helpers/actor-worker-process.ts', import.meta.url));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** Starts the fixture worker process; resolves with the process once it printed `ready`. */
function spawnWorker(env: Record<string, string>): { child: ChildProcess; hung: Promise<{ missionId: string; actorId: string }>; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let onReady: () => void = () => undefined;
  let onHung: (v: { missionId: string; actorId: string }) => void = () => undefined;
  const ready = new Promise<void>((r, fail) => {
    onReady = r;
    child.once('exit', (code) => fail(new Error(`the worker process exited with ${String(code)}`)));
  });
  const hung = new Promise<{ missionId: string; actorId: string }>((r) => (onHung = r));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (/^ready /m.test(out)) onReady();
    const m = /^hung (\S+) (\S+)$/m.exec(out);
    if (m) onHung({ missionId: m[1]!, actorId: m[2]! });
  });
  return { child, hung, ready };
}

describe('an actor worker killed mid-task', () => {
  it('shows the task recovering, then another worker runs it and the mission books the train once', { timeout: 120_000 }, async () => {
    const prefix = `test-${randomUUID()}:`;
    cleanups.push(() => deleteKeys(prefix));
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const sim: SimServerHandle = await startSimServer({ port: 0, worlds: [travelWorld] });
    cleanups.push(() => sim.close());
    const models = modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: sim.url });
    const common = { redisUrl: REDIS_URL, prefix, models, logger };

    // Worker A, in its own process, hangs right after its booking call, and is killed there.
    const a = spawnWorker({
      REDIS_URL,
      AIME_PREFIX: prefix,
      AIME_SIM_URL: sim.url,
      AIME_ACTOR_HEARTBEAT_MS: String(HEARTBEAT_MS),
      AIME_ACTOR_LOCK_MS: String(RECOVERY.lockMs),
      AIME_ACTOR_STALLED_INTERVAL_MS: String(RECOVERY.stalledIntervalMs),
      HANG_AFTER_TOOL: 'book_train',
    });
    cleanups.push(async () => void a.child.kill('SIGKILL'));
    await a.ready;

    const factory: ActorFactoryHandle = await startActorFactory(common);
    cleanups.push(() => factory.close());
    const commander = await startCommander({ ...common, host: '127.0.0.1', port: 0, dashboardDir: null });
    cleanups.push(() => commander.close());
    const stack: TestStack = withHelpers({ url: commander.url!, commander, close: () => commander.close() }, prefix);

    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const hung = await a.hung;
    expect(hung.missionId).toBe(id);
    a.child.kill('SIGKILL');

    // No worker runs the booking now: the API says so instead of `running`.
    const taskOf = (m: Mission): Task | undefined => m.tasks.find((t) => t.actorId === hung.actorId);
    const recovering = await pollMission(stack, id, (m) => taskOf(m)?.recovering !== undefined, 20_000);
    const task = taskOf(recovering)!;
    expect(task.status).toBe('running');
    expect(Date.parse(task.recovering!.since)).not.toBeNaN();

    // Worker B (same bundles, so the same queue) takes the job over from its checkpoint.
    const travel: TravelPlugin = createTravelPlugin();
    const b: ActorWorkerHandle = await startActorWorker({ ...common, plugins: [travel], heartbeatMs: HEARTBEAT_MS, pollMs: 200, recovery: RECOVERY });
    cleanups.push(() => b.close());

    const done = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    expect(done.status).toBe('succeeded');
    expect(done.tasks.some((t) => t.recovering)).toBe(false);
    const events = await stack.events(id);
    const ranOnB = events.filter((e) => e.type === 'actor.step' && e.actorId === hung.actorId && (e.data as { workerId?: string }).workerId === b.workerId);
    expect(ranOnB.length).toBeGreaterThan(0);
    const bookings = (await travel.world().ledger(id)).bookings.filter((x) => x.status === 'confirmed');
    expect(bookings.filter((x) => x.kind === 'train')).toHaveLength(1);
    const legs = bookings.map((x) => `${x.kind}:${x.itemId}`);
    expect(new Set(legs).size).toBe(legs.length);
  });
});

async function pollMission(stack: TestStack, id: string, ok: (m: Mission) => boolean, timeoutMs: number): Promise<Mission> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = (await stack.api<Mission>(`/v1/missions/${id}`)).body;
    if (ok(m)) return m;
    if (Date.now() > until) throw new Error(`mission ${id} never matched; tasks: ${m.tasks.map((t) => `${t.id}=${t.status}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
