import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DEFAULT_BUDGET, type FactoryJob } from '@aime/protocol';
import type { MemoryPlannerStore } from '@aime/store/memory';
import { MAX_BAD_STEPS, REPAIR_ROUNDS, runPlannerStep, type ChatTurn, type PlannerDeps } from '../src/planner/step.ts';
import { memoryStores, SCRIPTED_MODEL } from './planner-fixture.ts';

const model = SCRIPTED_MODEL;

let store: MemoryPlannerStore | undefined;
const newStore = memoryStores();

/** A scripted planner model: answers from a queue, and can be held open to simulate a slow call. */
function scripted(answers: Array<string | ((turns: ChatTurn[]) => string)>) {
  const seen: ChatTurn[][] = [];
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  return {
    seen,
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release: () => open(),
    call: async (_missionId: string, turns: ChatTurn[]) => {
      seen.push(turns);
      if (gate) await gate;
      const next = answers.shift() ?? '{"thought":"wait","operations":[]}';
      return typeof next === 'function' ? next(turns) : next;
    },
  };
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

const plan = (ops: unknown[]) => JSON.stringify({ thought: 'plan', operations: ops });
const add = (id: string, dependsOn: string[] = []) => ({ op: 'add', task: { id, title: id, dependsOn } });

describe('a planner step', () => {
  it('dispatches every ready independent task up to maxParallelActors', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: { ...DEFAULT_BUDGET, maxParallelActors: 2 } });
    const m = scripted([plan([add('a'), add('b'), add('c'), add('d', ['a'])])]);
    const factory: FactoryJob[] = [];
    const out = await runPlannerStep(deps(store, m.call, [], factory), mission.id);
    expect(out).toMatchObject({ kind: 'planned', dispatched: ['a', 'b'] });
    expect(factory.map((j) => j.taskId)).toEqual(['a', 'b']);
    const graph = await store.readGraph(mission.id);
    expect(graph.tasks.find((t) => t.id === 'a')).toMatchObject({ status: 'running', actorId: 'a.1', attempts: 1 });
    expect(graph.tasks.find((t) => t.id === 'c')?.status).toBe('ready');
    expect((await store.getMission(mission.id))?.status).toBe('running');
  });

  it('loses no wake-up: news that arrives while a step runs causes another step that sees it', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const m = scripted([plan([add('a')])]);
    const wakes: string[] = [];
    const d = deps(store, m.call, wakes, []);
    m.hold();
    const first = runPlannerStep(d, mission.id);
    while (m.seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    // Meanwhile an outside event arrives and its wake-up job finds the lock taken.
    const ev = await store.appendEvent(mission.id, { type: 'world.event', data: { source: 'api', message: 'the Shinkansen sold out' } });
    await store.pushInbox(mission.id, { kind: 'external', eventId: ev.id, message: 'the Shinkansen sold out' });
    expect(await runPlannerStep(d, mission.id)).toEqual({ kind: 'busy' });
    m.release();
    await first;
    expect(wakes).toContain('inbox');
    // The wake-up's step hears of the event.
    await runPlannerStep(d, mission.id);
    const lastPrompt = m.seen.at(-1)!.find((t) => t.role === 'user')!.content;
    expect(lastPrompt).toContain('Outside event: the Shinkansen sold out');
  });

  it('keeps the news when the planner model fails, and tells it on the next step', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const ev = await store.appendEvent(mission.id, { type: 'world.event', data: { source: 'api', message: 'hotel closed' } });
    await store.pushInbox(mission.id, { kind: 'external', eventId: ev.id, message: 'hotel closed' });
    const failing = async () => {
      throw new Error('model unavailable');
    };
    await expect(runPlannerStep(deps(store, failing, [], []), mission.id)).rejects.toThrow('model unavailable');
    const m = scripted([plan([add('a')])]);
    await runPlannerStep(deps(store, m.call, [], []), mission.id);
    expect(m.seen[0]!.find((t) => t.role === 'user')!.content).toContain('Outside event: hotel closed');
  });

  it('quotes invalid operations back for three repair rounds, keeps the news, and fails only after repeated unusable steps', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const ev = await store.appendEvent(mission.id, { type: 'world.event', data: { source: 'api', message: 'hotel closed' } });
    await store.pushInbox(mission.id, { kind: 'external', eventId: ev.id, message: 'hotel closed' });
    const bad = plan([add('a', ['missing'])]);
    const m = scripted(Array.from({ length: (REPAIR_ROUNDS + 1) * MAX_BAD_STEPS }, () => bad));
    const d = deps(store, m.call, [], []);
    const first = await runPlannerStep(d, mission.id);
    expect(first).toMatchObject({ kind: 'planned', dispatched: [] });
    expect(m.seen).toHaveLength(REPAIR_ROUNDS + 1);
    const repair = m.seen[0]!.at(-1)!.content;
    expect(repair).toMatch(/Rejected, so nothing was applied:\n- operations\[0\] \(add "a"\): .*missing/);
    expect((await store.getMission(mission.id))?.status).not.toBe('failed');
    // The news is kept: the next step still hears of it.
    await runPlannerStep(d, mission.id);
    expect(m.seen.at(-1)!.find((t) => t.role === 'user')!.content).toContain('Outside event: hotel closed');
    const out = await runPlannerStep(d, mission.id);
    expect(out).toEqual({ kind: 'finished', status: 'failed' });
    const record = await store.getMission(mission.id);
    expect(record?.error).toMatchObject({ code: 'invalid_plan' });
    expect(record?.error?.message).toContain('missing');
    expect(record?.error?.message).toContain('Its last answer: ');
    const events = await store.readEvents(mission.id);
    expect(events.filter((e) => e.type === 'plan.rejected')).toHaveLength((REPAIR_ROUNDS + 1) * MAX_BAD_STEPS);
  });

  it('keeps the valid operations of a partly invalid answer and asks again only for the rejected one', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: { ...DEFAULT_BUDGET, maxParallelActors: 8 } });
    const good = Array.from({ length: 30 }, (_, i) => add(`t${i}`));
    const m = scripted([plan([...good.slice(0, 15), add('bad', ['nope']), ...good.slice(15)]), plan([add('fixed')])]);
    const out = await runPlannerStep(deps(store, m.call, [], []), mission.id);
    expect(out).toMatchObject({ kind: 'planned' });
    expect(m.seen).toHaveLength(2);
    expect(m.seen[0]!.at(-1)!.content).toMatch(/^Applied \(they stay; do not repeat them\): add "t0", .*add "t29"\.\nRejected:\n- operations\[15\] \(add "bad"\)/);
    const ids = (await store.readGraph(mission.id)).tasks.map((t) => t.id);
    expect(ids).toHaveLength(31);
    expect(ids).toContain('fixed');
    expect(ids).not.toContain('bad');
  });

  it('drops a dispatch of a task that is not ready with a note, without a repair round', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const m = scripted([plan([add('a'), add('b', ['a']), { op: 'dispatch', id: 'a' }, { op: 'dispatch', id: 'b' }])]);
    const factory: FactoryJob[] = [];
    const out = await runPlannerStep(deps(store, m.call, [], factory), mission.id);
    expect(out).toMatchObject({ kind: 'planned', dispatched: ['a'] });
    expect(m.seen).toHaveLength(1);
    expect((await store.readEvents(mission.id)).filter((e) => e.type === 'plan.rejected')).toHaveLength(0);
  });

  it('shows a big plan by its frontier and answers an expand within the same step, without a repair round', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: { ...DEFAULT_BUDGET, maxParallelActors: 1 } });
    const chain = Array.from({ length: 100 }, (_, i) => add(`t${i}`, i > 0 ? [`t${i - 1}`] : []));
    const m = scripted([plan(chain), plan([{ op: 'expand', id: '@pending' }]), plan([])]);
    await runPlannerStep(deps(store, m.call, [], []), mission.id);
    await store.pushInbox(mission.id, { kind: 'external', eventId: '0-1', message: 'the venue moved' });
    await runPlannerStep(deps(store, m.call, [], []), mission.id);
    expect(m.seen).toHaveLength(3);
    const table = m.seen[1]![1]!.content;
    expect(table).toContain('- id: t0; status: running');
    expect(table).toContain('- id: t1; status: pending');
    expect(table).not.toContain('- id: t50;');
    expect(table).toContain('- hidden: 98 tasks of ungrouped pending tasks: 98 pending; `t2` … `t99`. Already in the plan: do not add them again. Expand with {"op":"expand","id":"@pending"}.');
    const answer = m.seen[2]!.at(-1)!.content;
    expect(answer).toMatch(/^The tasks you asked to see:\n- id: t1; status: pending/);
    expect(answer).toContain('- id: t99; status: pending');
    expect(answer).not.toContain('- id: t0;');
    expect((await store.readEvents(mission.id)).filter((e) => e.type === 'plan.rejected')).toHaveLength(0);
    expect((await store.getMission(mission.id))?.usage.plannerSteps).toBe(2);
  });

  it('reads an answer with a reasoning block, prose and a fenced JSON with a trailing comma', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const text = `<think>The user wants a plan. {"not": "this"}</think>\nSure! Here is the plan:\n\n\`\`\`json\n{"thought":"t","operations":[${JSON.stringify(add('a'))},]}\n\`\`\`\nLet me know.`;
    const m = scripted([text]);
    const out = await runPlannerStep(deps(store, m.call, [], []), mission.id);
    expect(out).toMatchObject({ kind: 'planned', dispatched: ['a'] });
    expect(m.seen).toHaveLength(1);
  });

  it('never parses an answer cut at the max-tokens limit as if it were complete', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const calls: number[] = [];
    const cut = async () => {
      calls.push(1);
      // Valid JSON on its own, but the server said the answer was cut: its end is missing.
      return calls.length === 1 ? { text: plan([add('a')]), truncated: true, error: 'cut at 64 tokens' } : plan([add('a'), add('b')]);
    };
    const out = await runPlannerStep(deps(store, cut, [], []), mission.id);
    expect(out).toMatchObject({ kind: 'planned' });
    expect((await store.readGraph(mission.id)).tasks.map((t) => t.id)).toEqual(['a', 'b']);
    const rejected = (await store.readEvents(mission.id)).filter((e) => e.type === 'plan.rejected');
    expect(rejected).toHaveLength(1);
  });

  it('accepts a repaired answer after one rejection', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const m = scripted(['not json at all', plan([add('a')])]);
    const out = await runPlannerStep(deps(store, m.call, [], []), mission.id);
    expect(out).toMatchObject({ kind: 'planned', dispatched: ['a'] });
    const events = await store.readEvents(mission.id);
    expect(events.filter((e) => e.type === 'plan.rejected')).toHaveLength(1);
  });

  it('refuses to step a mission past its planner-step budget', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: { ...DEFAULT_BUDGET, maxPlannerSteps: 1 } });
    await store.addUsage(mission.id, { plannerSteps: 1 });
    const m = scripted([plan([add('a')])]);
    expect(await runPlannerStep(deps(store, m.call, [], []), mission.id)).toEqual({ kind: 'finished', status: 'failed' });
    expect(m.seen).toHaveLength(0);
    expect((await store.getMission(mission.id))?.error?.code).toBe('budget_exceeded');
  });

  it('applies a report and finishes with the answer once every task is done', async () => {
    store = newStore();
    const { mission } = await store.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const m = scripted([plan([add('a')]), plan([{ op: 'finish', status: 'succeeded', answer: 'all done' }])]);
    const d = deps(store, m.call, [], []);
    await runPlannerStep(d, mission.id);
    const rep = await store.appendEvent(mission.id, {
      type: 'actor.reported',
      taskId: 'a',
      actorId: 'a.1',
      data: { report: { status: 'succeeded', summary: 'did a', artifacts: [], references: ['x:1'] } },
    });
    await store.pushInbox(mission.id, { kind: 'report', eventId: rep.id, taskId: 'a', actorId: 'a.1' });
    expect(await runPlannerStep(d, mission.id)).toEqual({ kind: 'finished', status: 'succeeded' });
    expect(m.seen[1]!.find((t) => t.role === 'user')!.content).toContain('Report from task `a` (succeeded): did a');
    const record = await store.getMission(mission.id);
    expect(record).toMatchObject({ status: 'succeeded', result: { answer: 'all done' } });
    const events = await store.readEvents(mission.id);
    expect(events.filter((e) => e.type === 'mission.finished')).toHaveLength(1);
  });
});
