import type { ActorSpec, Approval } from '@aime/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, missionInput, scanKeys, sleep } from './helpers.ts';
import type { Fixture } from './helpers.ts';

function spec(missionId: string, actorId: string): ActorSpec {
  return {
    actorId,
    missionId,
    taskId: 't1',
    attempt: 1,
    persona: { name: 'Rail agent', role: 'books trains', traits: [] },
    bundles: ['travel'],
    tools: ['search_trains'],
    knowledge: '',
    environment: { now: '2025-01-01T00:00:00.000Z', timezone: 'Asia/Tokyo', permissions: [] },
    outputFormat: 'report',
    systemPrompt: 'You book trains.',
    maxSteps: 8,
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

function approval(missionId: string, id: string, requestedAt: string): Approval {
  return { id, missionId, taskId: 't1', actorId: 'a1', tool: 'book_train', args: { train: 'Nozomi 1' }, status: 'pending', requestedAt };
}

/** The part of a key Redis Cluster hashes: between the first `{` and the next `}`, if non-empty. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('mission records by reference', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('writes a JSON value only if absent when asked, and reports whether it wrote', async () => {
    const { mission } = await f.store.createMission(missionInput());
    expect(await f.store.putJson(mission.id, 'idem:step-3', { done: true }, { onlyIfAbsent: true })).toBe(true);
    expect(await f.store.putJson(mission.id, 'idem:step-3', { done: false }, { onlyIfAbsent: true })).toBe(false);
    expect(await f.store.getJson(mission.id, 'idem:step-3')).toEqual({ done: true });
    expect(await f.store.putJson(mission.id, 'idem:step-3', { done: false })).toBe(true);
    expect(await f.store.getJson<{ done: boolean }>(mission.id, 'idem:step-3')).toEqual({ done: false });
    expect(await f.store.getJson(mission.id, 'absent')).toBeNull();
  });

  it('expires a JSON value after its ttl', async () => {
    const { mission } = await f.store.createMission(missionInput());
    expect(await f.store.putJson(mission.id, 'short', 1, { ttlMs: 50, onlyIfAbsent: true })).toBe(true);
    await sleep(120);
    expect(await f.store.getJson(mission.id, 'short')).toBeNull();
    expect(await f.store.putJson(mission.id, 'short', 2, { onlyIfAbsent: true })).toBe(true);
  });

  it('stores an artifact under the mission and returns a reference with size and preview', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const content = `Day 1: Seoul → Tokyo. ${'x'.repeat(500)}`;
    const ref = await f.store.putArtifact(mission.id, { name: 'itinerary.md', mimeType: 'text/markdown', content });
    expect(ref.uri).toBe(`artifact:${mission.id}/${ref.id}`);
    expect(ref.size).toBe(Buffer.byteLength(content, 'utf8'));
    expect(ref.preview).toBe(content.slice(0, 200));
    expect(ref.mimeType).toBe('text/markdown');
    expect(await f.store.getArtifact(mission.id, ref.id)).toEqual({ ref, content });
    expect(await f.store.getArtifact(mission.id, 'a_missing')).toBeNull();
    const plain = await f.store.putArtifact(mission.id, { name: 'n.txt', content: '' });
    expect(plain).toMatchObject({ mimeType: 'text/plain', size: 0, preview: '' });
    expect((await f.store.getArtifact(mission.id, plain.id))?.content).toBe('');
  });

  it('appends transcript entries per actor in order', async () => {
    const { mission } = await f.store.createMission(missionInput());
    expect(await f.store.appendTranscript(mission.id, 'a1', { step: 0, thought: 'search' })).toBe(1);
    expect(await f.store.appendTranscript(mission.id, 'a1', { step: 1, observation: 'sold out' })).toBe(2);
    await f.store.appendTranscript(mission.id, 'a2', { step: 0 });
    expect(await f.store.readTranscript(mission.id, 'a1')).toEqual([{ step: 0, thought: 'search' }, { step: 1, observation: 'sold out' }]);
    expect(await f.store.readTranscript(mission.id, 'a3')).toEqual([]);
  });

  it('stores actor specs and per-task progress', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await f.store.putActorSpec(spec(mission.id, 'a1'));
    expect(await f.store.getActorSpec(mission.id, 'a1')).toEqual(spec(mission.id, 'a1'));
    expect(await f.store.getActorSpec(mission.id, 'a2')).toBeNull();
    await f.store.setProgress(mission.id, 't1', { status: 'searching', message: 'trains', at: '2025-01-01T00:00:00.000Z' });
    await f.store.setProgress(mission.id, 't1', { status: 'booking', message: 'Nozomi', at: '2025-01-01T00:00:01.000Z' });
    expect(await f.store.getProgress(mission.id)).toEqual({ t1: { status: 'booking', message: 'Nozomi', at: '2025-01-01T00:00:01.000Z' } });
  });

  it('finds approvals by id across missions and lists a mission’s approvals oldest first', async () => {
    const m1 = (await f.store.createMission(missionInput())).mission;
    const m2 = (await f.store.createMission(missionInput())).mission;
    await f.store.putApproval(approval(m1.id, 'ap2', '2025-01-01T00:00:02.000Z'));
    await f.store.putApproval(approval(m1.id, 'ap1', '2025-01-01T00:00:01.000Z'));
    await f.store.putApproval(approval(m2.id, 'ap3', '2025-01-01T00:00:00.000Z'));
    expect((await f.store.getApproval('ap3'))?.missionId).toBe(m2.id);
    expect((await f.store.listApprovals(m1.id)).map((a) => a.id)).toEqual(['ap1', 'ap2']);
    await f.store.putApproval({ ...approval(m1.id, 'ap1', '2025-01-01T00:00:01.000Z'), status: 'approved', resolvedAt: '2025-01-01T00:01:00.000Z' });
    expect((await f.store.getApproval('ap1'))?.status).toBe('approved');
    expect(await f.store.getApproval('ap404')).toBeNull();
  });

  it('keeps every key of a mission under its hash tag; only indexes are global', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const id = mission.id;
    await f.store.writeGraph(id, 0, { version: 0, tasks: [] }, [{ type: 'task.dispatched', taskId: 't1', data: { attempt: 1 } }]);
    await f.store.pushInbox(id, { kind: 'tick', reason: 'x' });
    await f.store.addUsage(id, { promptTokens: 1 });
    await f.store.setProgress(id, 't1', { status: 's', message: 'm', at: new Date().toISOString() });
    await f.store.putActorSpec(spec(id, 'a1'));
    await f.store.appendTranscript(id, 'a1', { step: 0 });
    await f.store.putArtifact(id, { name: 'a.txt', content: 'hello' });
    await f.store.putJson(id, 'ckpt', { step: 1 });
    await f.store.putApproval(approval(id, 'ap1', new Date().toISOString()));
    await f.store.acquireLock(id, 'planner', 'w1', 10_000);
    await f.store.advertiseWorker({ workerId: 'w1', queue: 'aime-actors', bundles: [], startedAt: new Date().toISOString() }, 10_000);

    const keys = await scanKeys(f.redis, f.prefix);
    const global = new Set(['missions', 'missions:s:queued', 'approvals:index', 'feed', 'workers', 'worker:w1'].map((k) => `${f.prefix}${k}`));
    const missionKeys = keys.filter((k) => !global.has(k));
    expect(keys.filter((k) => global.has(k)).sort()).toEqual([...global].sort());
    // graph, events, inbox, usage, progress, actors, transcript, artifact, kv, approvals, lock, fence, record, owned
    expect(missionKeys.length).toBeGreaterThanOrEqual(14);
    for (const k of missionKeys) {
      expect(k.startsWith(`${f.prefix}{${id}}:`)).toBe(true);
      expect(hashTag(k)).toBe(id);
    }
  });
});
