import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWorld, unregisterWorld } from '@aime/sim';
import { benchPlan, benchPlugin, benchWorld, parseBenchGoal, readTable, writeBenchGoal, type BenchSpec } from '../../bench/world/index.ts';
import { startStack, type TestStack } from '../helpers/stack.ts';

describe('bench goals', () => {
  it('reads what it writes, for each shape', () => {
    const specs: BenchSpec[] = [
      { shape: 'sequential', tasks: 20, callsPerTask: 1 },
      { shape: 'parallel', tasks: 10, callsPerTask: 3 },
      { shape: 'graph', tasks: 500, callsPerTask: 1 },
    ];
    for (const s of specs) expect(parseBenchGoal(writeBenchGoal(s))).toEqual(s);
    expect(parseBenchGoal('bench: 10 parallel tasks')).toEqual({ shape: 'parallel', tasks: 10, callsPerTask: 1 });
    expect(parseBenchGoal('Plan a trip to Kyoto')).toBeUndefined();
    expect(parseBenchGoal('bench: 0 parallel tasks')).toBeUndefined();
  });

  it('plans a graph as groups of ten, each group after the one before', () => {
    const ops = benchPlan({ shape: 'graph', tasks: 25, callsPerTask: 1 }).map((o) => o.task as { id: string; parentId?: string; dependsOn: string[] });
    expect(ops.filter((t) => !t.parentId).map((t) => [t.id, t.dependsOn])).toEqual([['g1', []], ['g2', ['g1']], ['g3', ['g2']]]);
    expect(ops.filter((t) => t.parentId === 'g3').map((t) => t.id)).toEqual(['t21', 't22', 't23', 't24', 't25']);
  });

  it("counts open tasks in hidden groups of a big plan's table", () => {
    const prompt = ['## Task table', '- id: t1; status: running; depends on: -; attempts: 1; title: x; description: y', '- hidden: 12 tasks of group `g2` (Bench group 2): 10 succeeded, 2 pending; `t11` … `t22`. Already in the plan.', '', '## New'].join('\n');
    expect(readTable(prompt)).toEqual({ rows: 2, open: 3, failed: [] });
  });
});

describe('bench missions on the whole stack (a second world, registered from outside libs/sim)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    registerWorld(benchWorld);
    stack = await startStack({ plugins: [benchPlugin], actorConcurrency: 4 });
  });
  afterAll(async () => {
    await stack?.close();
    unregisterWorld(benchWorld.name);
  });

  it('runs sequential tasks one after another, each calling bench_noop once', async () => {
    const id = await stack.submit({ goal: 'bench: 4 sequential tasks, 1 tool call each' });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled']);
    expect(mission.status).toBe('succeeded');
    expect(mission.tasks.map((t) => [t.id, t.status])).toEqual([['t1', 'succeeded'], ['t2', 'succeeded'], ['t3', 'succeeded'], ['t4', 'succeeded']]);
    const events = await stack.events(id);
    const calls = events.filter((e) => e.type === 'actor.step' && (e.data as { toolCall?: { name: string } }).toolCall?.name === 'bench_noop');
    expect(calls.map((e) => e.taskId)).toEqual(['t1', 't2', 't3', 't4']);
    const reported = events.filter((e) => e.type === 'actor.reported').map((e) => e.taskId);
    expect(reported).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('runs a graph of groups to the end', async () => {
    const id = await stack.submit({ goal: 'bench: graph of 23 tasks' });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled']);
    expect(mission.status).toBe('succeeded');
    expect(mission.tasks.filter((t) => t.id.startsWith('t') && t.status === 'succeeded')).toHaveLength(23);
  });
});
