import { isKnownEvent } from '@aime/protocol';
import type { Task, TaskGraph } from '@aime/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, isStoreError } from '../src/index.ts';
import { fixture, missionInput } from './helpers.ts';
import type { Fixture } from './helpers.ts';

function task(id: string, over: Partial<Task> = {}): Task {
  return { id, title: `task ${id}`, description: '', completionCriteria: '', status: 'pending', dependsOn: [], attempts: 0, ...over };
}

function graphOf(...tasks: Task[]): TaskGraph {
  return { version: 0, tasks };
}

describe('task graph compare-and-set', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('reads version 0 with no tasks before anything is written', async () => {
    const { mission } = await f.store.createMission(missionInput());
    expect(await f.store.readGraph(mission.id)).toEqual({ version: 0, tasks: [] });
  });

  it('writes version expected+1 and reads the graph back', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const res = await f.store.writeGraph(mission.id, 0, graphOf(task('t1'), task('t2', { dependsOn: ['t1'] })));
    expect(res.version).toBe(1);
    const g = await f.store.readGraph(mission.id);
    expect(g.version).toBe(1);
    expect(g.tasks.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(g.tasks[1]?.dependsOn).toEqual(['t1']);
    const res2 = await f.store.writeGraph(mission.id, 1, graphOf(task('t1', { status: 'ready' })));
    expect(res2.version).toBe(2);
    expect((await f.store.readGraph(mission.id)).tasks).toHaveLength(1);
  });

  it('refuses a stale write with code stale_write and the expected and actual versions', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await f.store.writeGraph(mission.id, 0, graphOf(task('t1')));
    await f.store.writeGraph(mission.id, 1, graphOf(task('t1'), task('t2')));
    const err = await f.store.writeGraph(mission.id, 1, graphOf(task('x'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(isStoreError(err, 'stale_write')).toBe(true);
    expect((err as StoreError).details).toEqual({ expected: 1, actual: 2 });
    const g = await f.store.readGraph(mission.id);
    expect(g.version).toBe(2);
    expect(g.tasks.map((t) => t.id)).toEqual(['t1', 't2']);
  });

  it('lets exactly one of 20 concurrent writers with the same expected version win', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const stores = [f.store, f.other(), f.other(), f.other()];
    const attempts = Array.from({ length: 20 }, (_, i) =>
      (stores[i % stores.length] ?? f.store).writeGraph(mission.id, 0, graphOf(task(`w${i}`)), [
        { type: 'task.updated', taskId: `w${i}`, data: { status: 'ready' } },
      ]),
    );
    const results = await Promise.allSettled(attempts);
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(isStoreError(r.reason, 'stale_write')).toBe(true);
    }
    const g = await f.store.readGraph(mission.id);
    expect(g.version).toBe(1);
    expect(g.tasks.map((t) => t.id)).toEqual([`w${won[0]}`]);
    // Only the winner's events were appended.
    const updates = (await f.store.readEvents(mission.id)).filter((e) => e.type === 'task.updated');
    expect(updates.map((e) => e.taskId)).toEqual([`w${won[0]}`]);
  });

  it('appends the given events in the same step, in order, and returns them with ids', async () => {
    const { mission, event: created } = await f.store.createMission(missionInput());
    const { events } = await f.store.writeGraph(mission.id, 0, graphOf(task('t1')), [
      { type: 'plan.updated', data: { version: 1, step: 1, operations: [{ op: 'add', task: { id: 't1', title: 'task t1' } }], added: ['t1'] } },
      { type: 'task.dispatched', taskId: 't1', data: { attempt: 1 } },
    ]);
    expect(events.map((e) => e.type)).toEqual(['plan.updated', 'task.dispatched']);
    const read = await f.store.readEvents(mission.id, { after: created.id });
    expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
    // Schema defaults were filled in before storing.
    const plan = read[0];
    expect(plan && isKnownEvent(plan) && plan.type === 'plan.updated' ? plan.data.thought : undefined).toBe('');
  });

  it('writes nothing when an event is invalid', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const bad = { type: 'task.dispatched', data: { attempt: 0 } } as const;
    await expect(f.store.writeGraph(mission.id, 0, graphOf(task('t1')), [bad])).rejects.toMatchObject({ code: 'invalid' });
    expect((await f.store.readGraph(mission.id)).version).toBe(0);
  });

  it('refuses to write the graph of a mission that does not exist', async () => {
    await expect(f.store.writeGraph('m_nope', 0, graphOf(task('t1')))).rejects.toMatchObject({ code: 'not_found' });
    expect(await f.store.readGraph('m_nope')).toEqual({ version: 0, tasks: [] });
  });
});
