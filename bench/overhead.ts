/**
 * Subtask overhead: a mission of 20 sequential one-tool-call subtasks on the sim at zero
 * latency. Per subtask: from its dispatch (the `task.dispatched` event) to the report in the
 * planner's hands (the planner's model request that carries that report arriving at the sim),
 * minus the time the sim spent answering that subtask's factory and actor calls. Compared with
 * one raw BullMQ job's round trip measured in the same run.
 */
import type { SimAnswerTiming } from '@aime/sim';
import { countCommands } from './lib/redis-monitor.ts';
import { writeResult } from './lib/results.ts';
import { startBenchStack } from './lib/stack.ts';
import { ms, round, summarize } from './lib/stats.ts';
import type { BenchContext, BenchResult } from './types.ts';

const TASKS = 20;
const MEASURED_MISSIONS = 3;

const taskIdIn = (text: string): string | undefined => /^id: (t\d+)$/m.exec(text)?.[1];

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const timings: SimAnswerTiming[] = [];
  const stack = await startBenchStack({ onAnswer: (t) => timings.push(t) });
  try {
    const overheads: number[] = [];
    const cycles: number[] = [];
    const modelShares: number[] = [];
    /** Where a subtask's time goes, between the events it leaves (model time included where a phase calls the sim). */
    const phases: Record<'factory' | 'actorStart' | 'actorWork' | 'toPlanner', number[]> = { factory: [], actorStart: [], actorWork: [], toPlanner: [] };
    for (let m = 0; m <= MEASURED_MISSIONS; m++) {
      timings.length = 0;
      const id = await stack.submit({ goal: `bench: ${TASKS} sequential tasks, 1 tool call each` });
      const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 120_000);
      if (mission.status !== 'succeeded') throw new Error(`bench mission ended ${mission.status}`);
      if (m === 0) continue; // warm-up: module loading, first connections, JIT
      const events = await stack.events(id);
      const dispatched = new Map(events.filter((e) => e.type === 'task.dispatched').map((e) => [e.taskId!, Date.parse(e.ts)]));
      const planner = timings.filter((t) => t.policy === 'planner').map((t) => ({ at: t.receivedAt, text: t.req.messages.map((x) => x.content).join('\n') }));
      for (let i = 1; i <= TASKS; i++) {
        const tid = `t${String(i).padStart(2, '0')}`;
        const start = dispatched.get(tid);
        const hands = planner.find((p) => p.at >= (start ?? Infinity) && p.text.includes(`Report from task \`${tid}\``))?.at;
        if (start === undefined || hands === undefined) throw new Error(`no dispatch or planner hand-over for ${tid}`);
        const model = timings.filter((t) => t.policy !== 'planner' && taskIdIn(t.req.messages.map((x) => x.content).join('\n')) === tid).reduce((a, t) => a + t.ms, 0);
        overheads.push(hands - start - model);
        const at = (type: string) => Date.parse(events.find((e) => e.type === type && e.taskId === tid)?.ts ?? '');
        const [spawned, firstStep, reported] = [at('actor.spawned'), at('actor.step'), at('actor.reported')];
        phases.factory.push(spawned - start);
        phases.actorStart.push(firstStep - spawned);
        phases.actorWork.push(reported - firstStep);
        phases.toPlanner.push(hands - reported);
        modelShares.push(model);
        const next = dispatched.get(`t${String(i + 1).padStart(2, '0')}`);
        if (next !== undefined) cycles.push(next - start);
      }
    }
    // Redis commands per subtask, counted in a mission of its own (MONITOR slows Redis: not while timing).
    const monitor = await countCommands(ctx.redisUrl, stack.prefix);
    const counted = await stack.submit({ goal: `bench: ${TASKS} sequential tasks, 1 tool call each` });
    await stack.waitForStatus(counted, ['succeeded', 'failed', 'cancelled'], 120_000);
    await new Promise((r) => setTimeout(r, 500));
    await monitor.stop();
    const perSubtask = (n: number) => round(n / TASKS, 1);
    const redisCommandsPerSubtask = perSubtask(monitor.total);
    const byCommand = Object.fromEntries(Object.entries(monitor.byCommand).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, perSubtask(n)]));
    const overhead = summarize(overheads);
    const ratio = round(overhead.p50 / ctx.baseline.roundTripMs.p50, 1);
    const figures = {
      subtasks: overheads.length,
      overheadMs: overhead,
      modelMsPerSubtask: summarize(modelShares),
      dispatchToNextDispatchMs: summarize(cycles),
      phasesMs: {
        'dispatched → actor.spawned (factory job, spec, one model call)': summarize(phases.factory),
        'actor.spawned → first actor.step (actor job, first model call)': summarize(phases.actorStart),
        'first actor.step → actor.reported (tool call, second model call, report)': summarize(phases.actorWork),
        'actor.reported → planner model request (wake-up, lock, reads, prompt)': summarize(phases.toPlanner),
      },
      baselineRoundTripMs: ctx.baseline.roundTripMs,
      ratioToBullmqRoundTrip: ratio,
      redisCommandsPerSubtask,
      redisCommandsInScriptsPerSubtask: perSubtask(monitor.inScripts),
      redisCommandsOnBullmqKeysPerSubtask: perSubtask(monitor.bullmq),
      redisCommandsPerSubtaskByCommand: byCommand,
      target: 'p50 ≤ 10 ms and ≤ 8× the BullMQ round trip',
    };
    const file = writeResult('overhead', { machine: ctx.machine, ...figures });
    return {
      name: 'subtask overhead (20 sequential one-tool subtasks, sim at zero latency)',
      file,
      figures,
      rows: [
        ['dispatch → report in planner, minus model: p50 / p99', `${ms(overhead.p50)} / ${ms(overhead.p99)} (n=${overhead.n})`],
        ['raw BullMQ round trip p50 (same run)', ms(ctx.baseline.roundTripMs.p50)],
        ['ratio (target ≤ 8×, p50 ≤ 10 ms)', `${ratio}×`],
        ['model time per subtask (sim side) p50', ms(summarize(modelShares).p50)],
        ['Redis commands sent per subtask (whole mission ÷ subtasks)', `${redisCommandsPerSubtask} (${perSubtask(monitor.bullmq)} on BullMQ keys; +${perSubtask(monitor.inScripts)} inside scripts): ${Object.entries(byCommand).slice(0, 6).map(([k, n]) => `${k} ${n}`).join(', ')}`],
        ['dispatch → next dispatch p50 (whole cycle)', ms(summarize(cycles).p50)],
        ['phases p50: factory / actor start / actor work / to planner', [phases.factory, phases.actorStart, phases.actorWork, phases.toPlanner].map((x) => ms(summarize(x).p50)).join(' / ')],
      ],
    };
  } finally {
    await stack.close();
  }
}
