import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { DEFAULT_BUDGET, type FactoryJob } from '@aime/protocol';
import { type MissionStore } from '@aime/store';
import { runPlannerStep, type PlannerDeps } from '../src/planner/step.ts';
import { freshStores, REDIS, SCRIPTED_MODEL } from './planner-fixture.ts';

const model = SCRIPTED_MODEL;
const plan = (ops: unknown[]) => JSON.stringify({ thought: 'plan', operations: ops });
const add = (id: string, dependsOn: string[] = []) => ({ op: 'add', task: { id, title: id, dependsOn } });

let store: MissionStore | undefined;
const newStore = freshStores();

function deps(s: MissionStore, answers: string[], factory: FactoryJob[], over: Partial<PlannerDeps> = {}): PlannerDeps {
  return {
    store: s,
    callModel: async () => answers.shift() ?? plan([]),
    enqueueFactory: async (j) => void factory.push(j),
    wake: async () => undefined,
    logger: pino({ level: 'silent' }),
    holder: `test-${randomUUID().slice(0, 6)}`,
    ...over,
  };
}

/** A mission with task `a` running (dispatched by a first step) and its report in the inbox. */
async function reportedMission(s: MissionStore): Promise<string> {
  const { mission } = await s.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
  await runPlannerStep(deps(s, [plan([add('a'), add('b', ['a'])])], []), mission.id);
  const rep = await s.appendEvent(mission.id, { type: 'actor.reported', taskId: 'a', actorId: 'a.1', data: { report: { status: 'succeeded', summary: 'did a', artifacts: [], references: [] } } });
  await s.pushInbox(mission.id, { kind: 'report', eventId: rep.id, taskId: 'a', actorId: 'a.1' });
  return mission.id;
}

describe('a planner step commits all of its writes at once', () => {
  it('writes nothing when its lock was taken over before the commit: graph, inbox and events stay as they were', async () => {
    const prefix = `test-${randomUUID()}:`;
    store = newStore(prefix);
    const s = store;
    const id = await reportedMission(s);
    const before = { graph: await s.readGraph(id), inbox: await s.inboxLength(id), events: (await s.readEvents(id)).length };
    const redis = new Redis(REDIS);
    try {
      // The model call outlives the lock and another holder takes it (a long pause, a network split).
      const slow = deps(s, [], [], {
        callModel: async () => {
          await redis.set(`${prefix}{${id}}:lock:planner`, 'intruder:999');
          return plan([add('c')]);
        },
      });
      await expect(runPlannerStep(slow, id)).rejects.toMatchObject({ code: 'lock_lost' });
    } finally {
      redis.disconnect();
    }
    expect(await s.readGraph(id)).toEqual(before.graph);
    expect(await s.inboxLength(id)).toBe(before.inbox);
    expect((await s.readEvents(id)).filter((e) => e.type !== 'usage')).toHaveLength(before.events);
  });

  it('keeps the report in the inbox when the step dies before its commit, and the next step applies it once', async () => {
    store = newStore();
    const s = store;
    const id = await reportedMission(s);
    const crash = deps(s, [], [], {
      callModel: async () => {
        throw new Error('process killed');
      },
    });
    await expect(runPlannerStep(crash, id)).rejects.toThrow('process killed');
    expect(await s.inboxLength(id)).toBe(1);
    expect((await s.readGraph(id)).tasks.find((t) => t.id === 'a')?.status).toBe('running');
    const factory: FactoryJob[] = [];
    const out = await runPlannerStep(deps(s, [plan([])], factory), id);
    expect(out).toMatchObject({ kind: 'planned', dispatched: ['b'] });
    expect(await s.inboxLength(id)).toBe(0);
    expect((await s.readGraph(id)).tasks.find((t) => t.id === 'a')?.status).toBe('succeeded');
    expect(factory).toEqual([{ missionId: id, taskId: 'b', attempt: 1 }]);
  });

  it('keeps a report that arrives during the model call for the next step (only what the step read is consumed)', async () => {
    store = newStore();
    const s = store;
    const { mission } = await s.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const id = mission.id;
    const ev = await s.appendEvent(id, { type: 'world.event', data: { source: 'api', message: 'first' } });
    await s.pushInbox(id, { kind: 'external', eventId: ev.id, message: 'first' });
    const during = deps(s, [], [], {
      callModel: async () => {
        const late = await s.appendEvent(id, { type: 'world.event', data: { source: 'api', message: 'late' } });
        await s.pushInbox(id, { kind: 'external', eventId: late.id, message: 'late' });
        return plan([add('a')]);
      },
    });
    await runPlannerStep(during, id);
    const left = await s.peekInbox(id);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ kind: 'external', message: 'late' });
  });

  it('enqueues the dispatches a step committed but never enqueued (crash after the commit) at the next step, once', async () => {
    store = newStore();
    const s = store;
    const { mission } = await s.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const id = mission.id;
    const crash = deps(s, [plan([add('a'), add('b')])], [], {
      enqueueFactory: async () => {
        throw new Error('process killed before the enqueue');
      },
    });
    await expect(runPlannerStep(crash, id)).rejects.toThrow('process killed');
    // Committed: the tasks run in the graph, and the intents wait for their jobs.
    expect((await s.readGraph(id)).tasks.map((t) => t.status)).toEqual(['running', 'running']);
    expect(await s.readIntents(id)).toHaveLength(2);
    const factory: FactoryJob[] = [];
    await runPlannerStep(deps(s, [], factory), id);
    expect(factory.map((j) => j.taskId).sort()).toEqual(['a', 'b']);
    expect(await s.readIntents(id)).toHaveLength(0);
    const again: FactoryJob[] = [];
    await runPlannerStep(deps(s, [], again), id);
    expect(again).toHaveLength(0);
  });
});

describe('a cancel during a planner step', () => {
  it('wins: the step commits nothing and no task is dispatched after the cancel', async () => {
    store = newStore();
    const s = store;
    const { mission } = await s.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    const id = mission.id;
    const factory: FactoryJob[] = [];
    const cancelling = deps(s, [], factory, {
      callModel: async () => {
        await s.setMissionStatus(id, 'cancelled');
        return plan([add('a'), add('b')]);
      },
    });
    expect(await runPlannerStep(cancelling, id)).toEqual({ kind: 'finished', status: 'cancelled' });
    expect(factory).toEqual([]);
    const events = await s.readEvents(id);
    const cancelledAt = events.findIndex((e) => e.type === 'mission.status' && (e.data as { to?: string }).to === 'cancelled');
    expect(cancelledAt).toBeGreaterThanOrEqual(0);
    expect(events.slice(cancelledAt).filter((e) => e.type === 'task.dispatched')).toEqual([]);
    expect((await s.readGraph(id)).tasks).toEqual([]);
  });
});

describe('a planner step that finds the mission locked', () => {
  it('schedules a wake-up for when the lock expires, so a dead holder does not leave the mission unplanned', async () => {
    store = newStore();
    const s = store;
    const { mission } = await s.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
    // A planner that died mid-step: its lock stays until the TTL runs out.
    expect(await s.acquireLock(mission.id, 'planner', 'dead-planner', 5_000)).not.toBeNull();
    const later: Array<[string, string, number]> = [];
    const d = deps(s, [plan([add('a')])], [], { lockTtlMs: 5_000, wakeLater: async (id, reason, ms) => void later.push([id, reason, ms]) });
    expect(await runPlannerStep(d, mission.id)).toEqual({ kind: 'busy' });
    expect(later).toEqual([[mission.id, 'lock held', 5_500]]);
  });
});
