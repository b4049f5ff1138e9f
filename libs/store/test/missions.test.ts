import { Id } from '@aime/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MissionRecord } from '../src/index.ts';
import { fixture, missionInput } from './helpers.ts';
import type { Fixture } from './helpers.ts';

describe('missions', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('creates a queued mission with a sortable protocol id, a mission.created event and a created inbox item', async () => {
    const { mission, event } = await f.store.createMission(missionInput({ context: { travellers: 2 }, owner: 'alice' }));
    expect(Id.safeParse(mission.id).success).toBe(true);
    expect(mission.id).toMatch(/^m_[0-9a-z]+$/);
    expect(mission).toMatchObject({ status: 'queued', usage: { promptTokens: 0, costUsd: 0 }, owner: 'alice', context: { travellers: 2 } });
    expect(event).toMatchObject({ type: 'mission.created', missionId: mission.id, data: { goal: mission.goal, budget: mission.budget, model: mission.model, context: { travellers: 2 } } });
    expect(await f.store.getMission(mission.id)).toEqual(mission);
    expect((await f.store.readEvents(mission.id)).map((e) => e.id)).toEqual([event.id]);
    expect(await f.store.drainInbox(mission.id)).toEqual([{ kind: 'created', eventId: event.id }]);
  });

  it('generates ids that sort by creation time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await f.store.createMission(missionInput())).mission.id);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses a second mission with the same id and keeps the first', async () => {
    await f.store.createMission(missionInput({ id: 'm_fixed', goal: 'first' }));
    await expect(f.store.createMission(missionInput({ id: 'm_fixed', goal: 'second' }))).rejects.toMatchObject({ code: 'conflict' });
    expect((await f.store.getMission('m_fixed'))?.goal).toBe('first');
    expect(await f.store.readEvents('m_fixed')).toHaveLength(1);
  });

  it('rejects an id with braces before writing anything', async () => {
    await expect(f.store.createMission(missionInput({ id: 'm_{x}' }))).rejects.toMatchObject({ code: 'invalid' });
    expect((await f.store.listMissions()).items).toEqual([]);
  });

  it('returns null for a mission that does not exist', async () => {
    expect(await f.store.getMission('m_missing')).toBeNull();
  });

  it('lists newest first with cursor pagination that visits every mission once', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await f.store.createMission(missionInput({ goal: `goal ${i}` }))).mission.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await f.store.listMissions({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    // Every mission once, newest first; two created in the same millisecond may come in either order.
    expect([...seen].sort()).toEqual([...created].sort());
    const times = await Promise.all(seen.map(async (id) => Date.parse((await f.store.getMission(id))!.createdAt)));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('paginates missions created in the same millisecond without loss or repeats', async () => {
    const ids = ['m_a', 'm_b', 'm_c', 'm_d', 'm_e'];
    for (const id of ids) await f.store.createMission(missionInput({ id }));
    // Force a tie on the score: all in the same millisecond.
    for (const id of ids) await f.redis.zadd(`${f.prefix}missions`, 1_700_000_000_000, id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await f.store.listMissions({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters the list by status and by owner', async () => {
    const a = (await f.store.createMission(missionInput({ owner: 'alice' }))).mission;
    const b = (await f.store.createMission(missionInput({ owner: 'bob' }))).mission;
    const c = (await f.store.createMission(missionInput({ owner: 'alice' }))).mission;
    await f.store.setMissionStatus(a.id, 'running');
    await f.store.setMissionStatus(b.id, 'running');
    const ids = (items: MissionRecord[]): string[] => items.map((m) => m.id);
    expect(ids((await f.store.listMissions({ status: 'running' })).items)).toEqual([b.id, a.id]);
    expect(ids((await f.store.listMissions({ status: 'queued' })).items)).toEqual([c.id]);
    expect(ids((await f.store.listMissions({ owner: 'alice' })).items)).toEqual([c.id, a.id]);
    expect(ids((await f.store.listMissions({ owner: 'alice', status: 'running' })).items)).toEqual([a.id]);
    const first = await f.store.listMissions({ status: 'running', limit: 1 });
    expect(ids(first.items)).toEqual([b.id]);
    const second = await f.store.listMissions({ status: 'running', limit: 1, cursor: first.nextCursor! });
    expect(ids(second.items)).toEqual([a.id]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(f.store.listMissions({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('changes status with a from-guard and appends mission.status', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const res = await f.store.setMissionStatus(mission.id, 'planning', { from: ['queued'], reason: 'woken' });
    expect(res?.mission.status).toBe('planning');
    expect(res?.event).toMatchObject({ type: 'mission.status', data: { from: 'queued', to: 'planning', reason: 'woken' } });
    expect((await f.store.readEvents(mission.id)).at(-1)).toEqual(res?.event);
    expect(await f.store.setMissionStatus(mission.id, 'running', { from: ['queued', 'paused'] })).toBeNull();
    expect((await f.store.getMission(mission.id))?.status).toBe('planning');
    expect(await f.store.readEvents(mission.id)).toHaveLength(2);
    expect(await f.store.setMissionStatus('m_missing', 'running')).toBeNull();
  });

  it('lets exactly one of concurrent guarded transitions win', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? f.store : f.other()).setMissionStatus(mission.id, i % 2 ? 'cancelled' : 'planning', { from: ['queued'] })),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await f.store.readEvents(mission.id)).filter((e) => e.type === 'mission.status')).toHaveLength(1);
  });

  it('stores result and error with the status', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const res = await f.store.setMissionStatus(mission.id, 'succeeded', { result: { answer: 'Nozomi 11:00', artifacts: [] } });
    expect(res?.mission.result).toEqual({ answer: 'Nozomi 11:00', artifacts: [] });
    const failed = await f.store.createMission(missionInput());
    await f.store.setMissionStatus(failed.mission.id, 'failed', { error: { code: 'budget_exceeded', message: 'over budget' } });
    expect((await f.store.getMission(failed.mission.id))?.error).toEqual({ code: 'budget_exceeded', message: 'over budget' });
  });

  it('never loses a usage increment under concurrency', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const stores = [f.store, f.other(), f.other()];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => (stores[i % 3] ?? f.store).addUsage(mission.id, { promptTokens: 10, completionTokens: 1, costUsd: 0.25, actors: i % 2 })),
    );
    const usage = (await f.store.getMission(mission.id))?.usage;
    expect(usage).toEqual({ promptTokens: 600, completionTokens: 60, cachedPromptTokens: 0, reasoningTokens: 0, costUsd: 15, costKnown: true, plannerSteps: 0, actors: 30 });
    await expect(f.store.addUsage('m_missing', { promptTokens: 1 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(f.store.addUsage(mission.id, { promptTokens: -1 })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('deletes every key of a mission and its index entries, leaving other missions alone', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const keep = (await f.store.createMission(missionInput())).mission;
    await f.store.writeGraph(mission.id, 0, { version: 0, tasks: [] });
    await f.store.appendTranscript(mission.id, 'a1', { step: 1 });
    await f.store.putPendingStep(mission.id, 'a1', { step: 1, ai: { content: 'search', tool_calls: [] }, results: [] });
    await f.store.putApproval({ id: 'ap1', missionId: mission.id, taskId: 't1', actorId: 'a1', tool: 'book', args: {}, status: 'pending', requestedAt: new Date().toISOString() });
    await f.store.deleteMission(mission.id);
    expect(await f.store.getMission(mission.id)).toBeNull();
    expect(await f.store.getApproval('ap1')).toBeNull();
    expect((await f.store.listMissions()).items.map((m) => m.id)).toEqual([keep.id]);
    const left = await f.redis.keys(`${f.prefix}{${mission.id}}*`);
    expect(left).toEqual([]);
    expect(await f.redis.hexists(`${f.prefix}approvals:index`, 'ap1')).toBe(0);
    expect(await f.store.getMission(keep.id)).not.toBeNull();
  });
});
