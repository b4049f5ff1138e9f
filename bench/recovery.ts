/**
 * Recovery: an actor worker process killed mid-step (right after its train booking call,
 * checkpointed), with the runtime's default lock and stall settings. Time from the SIGKILL to
 * the first step of that actor on another worker (its task runs again), p50 over 3 kills; and
 * each mission still books its train once. The commander, the factory and the sim run here; the
 * victim in a process of its own (tests/helpers/actor-worker-process.ts, as the chaos suite does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startActorFactory } from '@aime/actor-factory';
import { startActorWorker } from '@aime/actors';
import { startCommander } from '@aime/commander';
import { modelsConfigFromEnv } from '@aime/models';
import { createTravelPlugin } from '@aime/plugin-travel';
import { travelWorld } from '@aime/plugin-travel/sim';
import { DEFAULT_RECOVERY } from '@aime/queues';
import { startSimServer } from '@aime/sim';
import { deleteKeys } from '@aime/testing';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, withHelpers } from '../tests/helpers/stack.ts';
import { writeResult } from './lib/results.ts';
import { ms, summarize, times } from './lib/stats.ts';
import type { BenchContext, BenchResult } from './types.ts';

const KILLS = Number(process.env.BENCH_RECOVERY_KILLS ?? 3);
const FIXTURE = fileURLToPath(new URL('../tests/helpers/actor-worker-process.ts', import.meta.url));

function spawnVictim(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; hung: Promise<{ missionId: string; actorId: string }> } {
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
  return { child, ready, hung };
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const prefix = `bench-${randomUUID()}:`;
  const logger = pino({ level: 'silent' });
  const sim = await startSimServer({ port: 0, worlds: [travelWorld] });
  const models = modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: sim.url });
  const common = { redisUrl: ctx.redisUrl, prefix, models, logger };
  const factory = await startActorFactory(common);
  const commander = await startCommander({ ...common, host: '127.0.0.1', port: 0, dashboardDir: null });
  const stack = withHelpers({ url: commander.url!, commander, close: () => commander.close() }, prefix);
  const recoveries: number[] = [];
  const bookedOnce: boolean[] = [];
  try {
    for (let k = 0; k < KILLS; k++) {
      const victim = spawnVictim({ REDIS_URL: ctx.redisUrl, AIME_PREFIX: prefix, AIME_SIM_URL: sim.url, HANG_AFTER_TOOL: 'book_train' });
      try {
        await victim.ready;
        const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
        const hung = await victim.hung;
        // The rescuer serves the same bundles (so the same queue); it starts before the kill.
        const travel = createTravelPlugin();
        const rescuer = await startActorWorker({ ...common, plugins: [travel], pollMs: 200 });
        try {
          const killedAt = Date.now();
          victim.child.kill('SIGKILL');
          const again = await stack.waitForEvent(id, (e) => e.type === 'actor.step' && e.actorId === hung.actorId && (e.data as { workerId?: string }).workerId === rescuer.workerId, 120_000);
          recoveries.push(Date.parse(again.ts) - killedAt);
          const done = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 120_000);
          const trains = (await travel.world().ledger(id)).bookings.filter((b) => b.status === 'confirmed' && b.kind === 'train');
          bookedOnce.push(done.status === 'succeeded' && trains.length === 1);
        } finally {
          await rescuer.close();
        }
      } finally {
        victim.child.kill('SIGKILL');
      }
    }
    const rec = summarize(recoveries);
    const figures = {
      kills: KILLS,
      recoveryMs: rec,
      samplesMs: recoveries,
      missionsSucceededBookingTrainOnce: bookedOnce.filter(Boolean).length,
      settings: DEFAULT_RECOVERY,
      target: 'time until its task runs again, p50 (reported)',
    };
    const file = writeResult('recovery', { machine: ctx.machine, ...figures });
    return {
      name: 'recovery (actor process killed mid-step, default settings)',
      file,
      figures,
      rows: [
        ['kill → task runs again on another worker: p50 / max', `${ms(rec.p50)} / ${ms(rec.max)} (n=${rec.n})`],
        ['raw BullMQ round trip p50 (same run); ratio', `${ms(ctx.baseline.roundTripMs.p50)}; recovery p50 is ${times(rec.p50, ctx.baseline.roundTripMs.p50)} (bound by the job lock, not by queue speed)`],
        ['settings (lock, stalled check)', `${DEFAULT_RECOVERY.lockMs} ms, every ${DEFAULT_RECOVERY.stalledIntervalMs} ms`],
        ['missions succeeded, train booked once', `${figures.missionsSucceededBookingTrainOnce} / ${KILLS}`],
      ],
    };
  } finally {
    await commander.close();
    await factory.close();
    await sim.close();
    await deleteKeys(prefix);
  }
}
