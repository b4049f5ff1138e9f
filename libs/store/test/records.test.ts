import type { ActorSpec, Approval } from '@aime/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreKeys } from '../src/index.ts';
import { fixture, missionInput, scanKeys } from './helpers.ts';
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

  it('keeps the named records of an actor, each read back as written', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const id = mission.id;
    const step = { step: 2, ai: { content: 'book', tool_calls: [{ id: 'c1', name: 'book_train', args: { trainId: 'N1' } }] }, results: [{ toolCallId: 'c1', name: 'book_train', observation: 'booked' }] };
    expect(await f.store.getPendingStep(id, 'a1')).toBeNull();
    await f.store.putPendingStep(id, 'a1', step);
    expect(await f.store.getPendingStep(id, 'a1')).toEqual(step);
    expect(await f.store.isReported(id, 'a1')).toBe(false);
    await f.store.markReported(id, 'a1', { eventId: '1-0', at: '2025-01-01T00:00:00.000Z' });
    expect(await f.store.isReported(id, 'a1')).toBe(true);
    expect(await f.store.isReported(id, 'a2')).toBe(false);
    expect(await f.store.getActorQueue(id, 'a1')).toBeNull();
    await f.store.recordActorQueue(id, 'a1', 'aime-actors-x');
    expect(await f.store.getActorQueue(id, 'a1')).toBe('aime-actors-x');
    const lease = { workerId: 'w1', beatAt: '2025-01-01T00:00:00.000Z', ttlMs: 6000 };
    await f.store.putActorLease(id, 'a1', lease);
    expect(await f.store.getActorLease(id, 'a1')).toEqual(lease);
    expect(await f.store.getRepairCount(id, 'a1')).toBe(0);
    await f.store.setRepairCount(id, 'a1', 2);
    expect(await f.store.getRepairCount(id, 'a1')).toBe(2);
  });

  it('refuses to write a named record that does not match its schema', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const bad = { step: -1, ai: { content: 'x', tool_calls: [] }, results: [] };
    await expect(f.store.putPendingStep(mission.id, 'a1', bad)).rejects.toMatchObject({ code: 'invalid' });
    await expect(f.store.putActorLease(mission.id, 'a1', { workerId: 'w1', beatAt: 'now', ttlMs: 0 })).rejects.toMatchObject({ code: 'invalid' });
    expect(await f.store.getPendingStep(mission.id, 'a1')).toBeNull();
  });

  it('reads a damaged record as StoreError corrupt naming it, not as a crash inside its reader', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const keys = new StoreKeys(f.prefix);
    await f.redis.set(keys.pendingStep(mission.id, 'a1'), '{"step":"two"}');
    await f.redis.set(keys.actorQueue(mission.id, 'a1'), 'not json');
    await f.redis.set(keys.approvalDecision(mission.id, 'ap1'), JSON.stringify({ decision: 'maybe', by: 'op' }));
    await expect(f.store.getPendingStep(mission.id, 'a1')).rejects.toMatchObject({ name: 'StoreError', code: 'corrupt', message: expect.stringContaining('pending step') });
    await expect(f.store.getActorQueue(mission.id, 'a1')).rejects.toMatchObject({ code: 'corrupt', message: expect.stringContaining('actor queue') });
    await expect(f.store.getApprovalDecision(mission.id, 'ap1')).rejects.toMatchObject({ code: 'corrupt', details: { missionId: mission.id, approvalId: 'ap1' } });
  });

  it('reads the records earlier versions wrote under the same keys', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const keys = new StoreKeys(f.prefix);
    // The generic JSON channel of earlier versions wrote these exact keys and shapes.
    await f.redis.set(`${f.prefix}{${mission.id}}:kv:actor:a1:queue`, JSON.stringify({ queue: 'q1' }));
    await f.redis.set(`${f.prefix}{${mission.id}}:kv:approval-decision:ap1`, JSON.stringify({ decision: 'approve', by: 'operator' }));
    await f.redis.set(`${f.prefix}{${mission.id}}:kv:planner:state`, JSON.stringify({ news: [{ kind: 'external' }] }));
    expect(keys.actorQueue(mission.id, 'a1')).toBe(`${f.prefix}{${mission.id}}:kv:actor:a1:queue`);
    expect(await f.store.getActorQueue(mission.id, 'a1')).toBe('q1');
    expect(await f.store.getApprovalDecision(mission.id, 'ap1')).toEqual({ decision: 'approve', by: 'operator' });
    expect(await f.store.getPlannerState(mission.id)).toEqual({ news: [{ kind: 'external' }], badSteps: 0 });
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
    await f.store.putPendingStep(id, 'a1', { step: 1, ai: { content: 'search', tool_calls: [] }, results: [] });
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
