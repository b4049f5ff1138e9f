/**
 * Big graphs: a bench mission of 10, 100 and 500 tasks (groups of ten, each group after the one
 * before), driven step by step through the commander's own `runPlannerStep` on the real store:
 * the model is the bench world's planner called in-process (its CPU is left out), and each
 * dispatched task reports at once, so every planner step of the whole mission is measured alone
 * on an idle process: prompt tokens (the sim's estimate: ~4 characters a token) and CPU time.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { runPlannerStep, type PlannerDeps } from '@aime/commander';
import { DEFAULT_BUDGET } from '@aime/protocol';
import { estimateTokens, type SimRequest } from '@aime/sim';
import { createMissionStore } from '@aime/store';
import { deleteKeys } from '@aime/testing';
import { writeResult } from './lib/results.ts';
import { ms, round, summarize, times, type Summary } from './lib/stats.ts';
import { benchWorld } from './world/index.ts';
import type { BenchContext, BenchResult } from './types.ts';

const SIZES = [10, 100, 500];
const MODEL = { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true };
const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

interface SizeFigures {
  tasks: number;
  steps: number;
  status: string;
  promptTokens: Summary;
  /** The largest prompt of the mission. */
  maxPromptTokens: number;
  stepCpuMs: Summary;
  stepWallMs: Summary;
}

async function measure(redisUrl: string, tasks: number): Promise<SizeFigures> {
  const prefix = `bench-${randomUUID()}:`;
  const store = createMissionStore({ redis: redisUrl, prefix });
  try {
    const { mission } = await store.createMission({ goal: `bench: graph of ${tasks} tasks`, model: MODEL, budget: { ...DEFAULT_BUDGET, maxParallelActors: 10, maxPlannerSteps: 5000 } });
    const prompts: number[] = [];
    let modelCpu = 0;
    const deps: PlannerDeps = {
      store,
      callModel: async (_id, turns) => {
        const c0 = process.cpuUsage();
        const req: SimRequest = { model: 'sim', messages: turns.map((t) => ({ role: t.role, content: t.content })), response_format: { type: 'json_schema', json_schema: { name: 'planner_output' } } };
        prompts.push(turns.reduce((n, t) => n + 4 + estimateTokens(t.content), 0));
        const answer = benchWorld.planner!(req).content ?? '';
        modelCpu += cpuMs(process.cpuUsage(c0));
        return answer;
      },
      enqueueFactory: async () => undefined,
      wake: async () => undefined,
      logger: pino({ level: 'silent' }),
      holder: `bench-${randomUUID().slice(0, 6)}`,
    };
    const cpu: number[] = [];
    const wall: number[] = [];
    let status = 'running';
    for (let step = 0; step < 5000; step++) {
      modelCpu = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = await runPlannerStep(deps, mission.id);
      wall.push(performance.now() - t0);
      cpu.push(cpuMs(process.cpuUsage(c0)) - modelCpu);
      if (out.kind === 'finished') {
        status = out.status;
        break;
      }
      if (out.kind !== 'planned') throw new Error(`planner step ${step} was ${out.kind}`);
      // Every dispatched task reports at once, as a zero-time actor would.
      for (const taskId of out.dispatched) {
        const actorId = `${taskId}.1`;
        const event = await store.appendEvent(mission.id, { type: 'actor.reported', taskId, actorId, data: { report: { status: 'succeeded', summary: 'Called bench_noop 1 time(s).', references: [], artifacts: [] } } });
        await store.pushInbox(mission.id, { kind: 'report', eventId: event.id, taskId, actorId });
      }
    }
    return { tasks, steps: cpu.length, status, promptTokens: summarize(prompts), maxPromptTokens: prompts.reduce((a, b) => Math.max(a, b), 0), stepCpuMs: summarize(cpu), stepWallMs: summarize(wall) };
  } finally {
    await store.close();
    await deleteKeys(prefix);
  }
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  await measure(ctx.redisUrl, 10); // warm-up
  const sizes: SizeFigures[] = [];
  for (const n of SIZES) sizes.push(await measure(ctx.redisUrl, n));
  const at = (n: number) => sizes.find((s) => s.tasks === n)!;
  const ratio = round(at(500).promptTokens.p50 / at(100).promptTokens.p50, 2);
  const maxRatio = round(at(500).maxPromptTokens / at(100).maxPromptTokens, 2);
  const figures = { sizes, promptTokensP50Ratio500to100: ratio, maxPromptTokensRatio500to100: maxRatio, target: 'planner prompt tokens at 500 ≤ 2× at 100; step CPU reported' };
  const file = writeResult('big-graphs', { machine: ctx.machine, ...figures });
  return {
    name: 'big graphs (planner steps of a whole mission, measured alone)',
    file,
    figures,
    rows: [
      ...sizes.map((s): [string, string] => [
        `${s.tasks} tasks: ${s.steps} steps, prompt tokens p50 / max`,
        `${s.promptTokens.p50} / ${s.maxPromptTokens}; step CPU p50 / p99 ${round(s.stepCpuMs.p50, 1)} / ${round(s.stepCpuMs.p99, 1)} ms (${s.status})`,
      ]),
      ['prompt tokens 500 ÷ 100, p50 / max (target ≤ 2)', `${ratio} / ${maxRatio}`],
      ['raw BullMQ round trip p50 (same run); ratio', `${ms(ctx.baseline.roundTripMs.p50)}; a 500-task step's wall p50 is ${times(at(500).stepWallMs.p50, ctx.baseline.roundTripMs.p50)}`],
    ],
  };
}
