/**
 * Mission throughput and latency of the whole loop (planner, factory, actors, travel tools)
 * over real Redis, BullMQ and HTTP with the simulated model: the reference trip, first alone,
 * then N at once. Reports wall time per mission, planner steps, model calls and events.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Mission } from '@aime/protocol';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, startStack } from '../tests/helpers/stack.ts';
import type { BenchResult } from './types.ts';

const RESULTS = fileURLToPath(new URL('./results/missions.json', import.meta.url));
const CONCURRENT = Number(process.env.BENCH_MISSIONS ?? 8);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

export async function run(): Promise<BenchResult> {
  const stack = await startStack({ actorConcurrency: 8 });
  try {
    const runOne = async (): Promise<{ ms: number; mission: Mission; events: number }> => {
      const t0 = performance.now();
      const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
      const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 300_000);
      if (mission.status !== 'succeeded') throw new Error(`mission ${id} ended ${mission.status}: ${JSON.stringify(mission.error)}`);
      return { ms: performance.now() - t0, mission, events: (await stack.events(id)).length };
    };
    await runOne(); // warm-up: module loading, first connections
    const single = [];
    for (let i = 0; i < 3; i++) single.push(await runOne());
    const t0 = performance.now();
    const batch = await Promise.all(Array.from({ length: CONCURRENT }, runOne));
    const batchMs = performance.now() - t0;
    const lat = batch.map((b) => b.ms);
    const sample = single[0]!;
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
      mission: { tasks: sample.mission.tasks.length, plannerSteps: sample.mission.usage.plannerSteps, actors: sample.mission.usage.actors, events: sample.events, tokens: sample.mission.usage.promptTokens + sample.mission.usage.completionTokens },
      aloneMs: single.map((s) => Math.round(s.ms)),
      concurrent: { missions: CONCURRENT, wallMs: Math.round(batchMs), p50Ms: Math.round(pct(lat, 50)), p95Ms: Math.round(pct(lat, 95)), missionsPerMinute: Math.round((CONCURRENT / batchMs) * 60_000 * 10) / 10 },
    };
    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    return {
      name: 'reference mission, end to end (sim model)',
      file: RESULTS,
      rows: [
        ['tasks / planner steps / actors', `${result.mission.tasks} / ${result.mission.plannerSteps} / ${result.mission.actors}`],
        ['events / tokens per mission', `${result.mission.events} / ${result.mission.tokens}`],
        ['one mission alone (3 runs)', `${result.aloneMs.join(', ')} ms`],
        [`${CONCURRENT} missions at once: wall`, `${result.concurrent.wallMs} ms`],
        [`${CONCURRENT} at once: latency p50 / p95`, `${result.concurrent.p50Ms} / ${result.concurrent.p95Ms} ms`],
        ['throughput', `${result.concurrent.missionsPerMinute} missions/min`],
        ['machine', `${result.machine.cpus} CPUs, load ${result.machine.loadAverage1m}, node ${result.machine.node}`],
      ],
    };
  } finally {
    await stack.close();
  }
}
