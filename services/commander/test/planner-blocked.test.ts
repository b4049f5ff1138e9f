import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DEFAULT_BUDGET, type FactoryJob } from '@aime/protocol';
import type { MemoryPlannerStore } from '@aime/store/memory';
import { runPlannerStep, type ChatTurn, type PlannerDeps } from '../src/planner/step.ts';
import { memoryStores, SCRIPTED_MODEL } from './planner-fixture.ts';

const model = SCRIPTED_MODEL;
const REASON = 'waiting for a live worker serving bundle "weather"';

let store: MemoryPlannerStore | undefined;
const newStore = memoryStores();

/** A planner model that adds task `a` first and then always waits; it keeps the user prompts it saw. */
function planner() {
  const prompts: string[] = [];
  const call = async (_missionId: string, turns: ChatTurn[]): Promise<string> => {
    prompts.push(turns.find((t) => t.role === 'user')?.content ?? '');
    const ops = prompts.length === 1 ? [{ op: 'add', task: { id: 'a', title: 'Check the weather', dependsOn: [] } }] : [];
    return JSON.stringify({ thought: 'plan', operations: ops });
  };
  return { prompts, call };
}

function deps(s: MemoryPlannerStore, call: PlannerDeps['callModel'], wakes: string[], factory: FactoryJob[]): PlannerDeps {
  return {
    store: s,
    callModel: call,
    enqueueFactory: async (j) => void factory.push(j),
    wake: async (_id, reason) => void wakes.push(reason),
    logger: pino({ level: 'silent' }),
    holder: `test-${randomUUID().slice(0, 6)}`,
  };
}

describe('a task that waits for a live worker', () => {
  it('shows blocked with the reason, is waited for without replanning, and is dispatched again when unblocked', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'Check the weather', model, budget: DEFAULT_BUDGET });
    const m = planner();
    const wakes: string[] = [];
    const factory: FactoryJob[] = [];
    const d = deps(store, m.call, wakes, factory);
    expect(await runPlannerStep(d, mission.id)).toMatchObject({ kind: 'planned', dispatched: ['a'] });

    // The factory found no live worker for the task's bundle.
    await store.pushInbox(mission.id, { kind: 'blocked', taskId: 'a', reason: REASON });
    expect(await runPlannerStep(d, mission.id)).toMatchObject({ kind: 'planned', dispatched: [] });
    expect((await store.readGraph(mission.id)).tasks[0]).toMatchObject({ id: 'a', status: 'blocked', reason: REASON, attempts: 1 });
    const updated = (await store.readEvents(mission.id)).filter((e) => e.type === 'task.updated' && e.taskId === 'a');
    expect(updated.map((e) => e.data)).toEqual([{ status: 'blocked', reason: REASON }]);
    expect(m.prompts[1]).toContain(`- Task \`a\` is blocked: ${REASON}.`);
    expect(m.prompts[1]).toContain(`status: blocked; depends on: -; attempts: 1; reason: ${REASON}; title: Check the weather`);
    // Waiting is not idleness: no wake-up to plan again, and a later wake-up asks no model.
    expect(wakes).toEqual([]);
    expect(await runPlannerStep(d, mission.id)).toEqual({ kind: 'skipped', reason: 'nothing new while tasks run' });
    expect(m.prompts).toHaveLength(2);
    expect((await store.getMission(mission.id))?.status).toBe('running');

    await store.pushInbox(mission.id, { kind: 'unblocked', taskId: 'a' });
    expect(await runPlannerStep(d, mission.id)).toMatchObject({ kind: 'planned', dispatched: ['a'] });
    expect((await store.readGraph(mission.id)).tasks[0]).toMatchObject({ status: 'running', attempts: 2, actorId: 'a.2' });
    expect(factory.map((j) => [j.taskId, j.attempt])).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
    expect(m.prompts[2]).toContain('- Task `a` is unblocked: a live worker now serves what it needs');
  });

  it('ignores a blocked notice for a task that already moved on', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'Check the weather', model, budget: DEFAULT_BUDGET });
    const m = planner();
    const d = deps(store, m.call, [], []);
    await runPlannerStep(d, mission.id);
    await store.pushInbox(mission.id, { kind: 'unblocked', taskId: 'a' });
    const rep = await store.appendEvent(mission.id, { type: 'actor.reported', taskId: 'a', actorId: 'a.1', data: { report: { status: 'succeeded', summary: 'sunny', artifacts: [], references: [] } } });
    await store.pushInbox(mission.id, { kind: 'report', eventId: rep.id, taskId: 'a', actorId: 'a.1' });
    await store.pushInbox(mission.id, { kind: 'blocked', taskId: 'a', reason: REASON });
    await runPlannerStep(d, mission.id);
    expect((await store.readGraph(mission.id)).tasks[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(m.prompts[1]).not.toContain('is blocked');
  });
});
