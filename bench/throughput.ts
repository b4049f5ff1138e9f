/**
 * Throughput: 100 missions of 10 parallel one-tool subtasks each, submitted at once to the
 * all-in-one process (sim at zero latency). Subtasks per second from the first submit to the
 * last mission's end. `BENCH_THROUGHPUT_MISSIONS` changes the count.
 */
import { writeResult } from './lib/results.ts';
import { startBenchStack } from './lib/stack.ts';
import { round, summarize, times } from './lib/stats.ts';
import type { BenchContext, BenchResult } from './types.ts';

const MISSIONS = Number(process.env.BENCH_THROUGHPUT_MISSIONS ?? 100);
const SUBTASKS = 10;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const stack = await startBenchStack({ actorConcurrency: 50 });
  try {
    // Warm-up: one small mission loads every module and opens the connections.
    const warm = await stack.submit({ goal: 'bench: 2 parallel tasks' });
    await stack.waitForStatus(warm, [...TERMINAL] as never, 60_000);

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const wall0 = Date.now();
    const ids = await Promise.all(Array.from({ length: MISSIONS }, () => stack.submit({ goal: `bench: ${SUBTASKS} parallel tasks, 1 tool call each` })));
    const pending = new Set(ids);
    const statuses = new Map<string, string>();
    const deadline = Date.now() + 8 * 60_000;
    while (pending.size && Date.now() < deadline) {
      // Seldom: the end is read from the events, and polling costs the CPU being measured.
      await new Promise((r) => setTimeout(r, 1000));
      for (const id of [...pending]) {
        const m = await stack.store.getMission(id);
        if (m && TERMINAL.has(m.status)) {
          pending.delete(id);
          statuses.set(id, m.status);
        }
      }
    }
    if (pending.size) throw new Error(`${pending.size} missions still running after 8 minutes`);
    const cpu = process.cpuUsage(cpu0);
    // The end is the last mission.finished event, not the poll that noticed it.
    const ends: number[] = [];
    const latencies: number[] = [];
    for (const id of ids) {
      const events = await stack.store.readEvents(id, { limit: 10_000 });
      const end = Date.parse(events.findLast((e) => e.type === 'mission.finished')?.ts ?? new Date().toISOString());
      ends.push(end);
      latencies.push(end - wall0);
    }
    const wallS = (Math.max(...ends) - wall0) / 1000;
    const succeeded = [...statuses.values()].filter((s) => s === 'succeeded').length;
    const figures = {
      missions: MISSIONS,
      subtasksPerMission: SUBTASKS,
      succeeded,
      wallSeconds: round(wallS),
      subtasksPerSecond: round((MISSIONS * SUBTASKS) / wallS, 1),
      missionsPerMinute: round((MISSIONS / wallS) * 60, 1),
      missionLatencyMs: summarize(latencies),
      cpuSecondsPerSubtask: round((cpu.user + cpu.system) / 1e6 / (MISSIONS * SUBTASKS), 4),
      pollWallSeconds: round((performance.now() - t0) / 1000),
      baselineJobsPerSecAt50: ctx.baseline.jobsPerSecAt50,
      target: '≥ 300 subtasks/s',
    };
    const file = writeResult('throughput', { machine: ctx.machine, ...figures });
    return {
      name: `throughput (${MISSIONS} concurrent missions × ${SUBTASKS} subtasks, all-in-one)`,
      file,
      figures,
      rows: [
        ['missions succeeded', `${succeeded} / ${MISSIONS}`],
        ['subtasks per second (target ≥ 300)', String(figures.subtasksPerSecond)],
        ['raw BullMQ jobs/s at concurrency 50 (same run); ratio', `${ctx.baseline.jobsPerSecAt50}; ${times(ctx.baseline.jobsPerSecAt50, figures.subtasksPerSecond)} the subtasks/s`],
        ['wall time', `${figures.wallSeconds} s`],
        ['process CPU per subtask', `${round(figures.cpuSecondsPerSubtask * 1000, 1)} ms`],
        ['mission latency p50 / p99', `${round(figures.missionLatencyMs.p50 / 1000, 1)} / ${round(figures.missionLatencyMs.p99 / 1000, 1)} s`],
      ],
    };
  } finally {
    await stack.close();
  }
}
