import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMissionStore, parseDuration, retentionFromEnv, StoreKeys } from '../src/index.ts';
import type { MissionStore } from '../src/index.ts';
import { fixture, missionInput, REDIS_URL, scanKeys, sleep } from './helpers.ts';
import type { Fixture } from './helpers.ts';

const HOUR = 3_600_000;

/** Polls until `check` holds; the test's own timeout bounds the wait. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(20);
}

describe('retention of finished missions', () => {
  let f: Fixture;
  const stores: MissionStore[] = [];
  const open = (opts: { retentionMs?: number; eventsMax?: number }): MissionStore => {
    const s = createMissionStore({ redis: REDIS_URL, prefix: f.prefix, ...opts });
    stores.push(s);
    return s;
  };
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await f.cleanup();
  });

  async function busyMission(store: MissionStore, owner = 'alice'): Promise<string> {
    const { mission } = await store.createMission(missionInput({ owner }));
    const id = mission.id;
    await store.writeGraph(id, 0, { version: 0, tasks: [] }, [{ type: 'task.dispatched', taskId: 't1', data: { attempt: 1 } }]);
    await store.setProgress(id, 't1', { status: 's', message: 'm', at: new Date().toISOString() });
    await store.appendTranscript(id, 'a1', { step: 0 });
    await store.putArtifact(id, { name: 'a.txt', content: 'hello' });
    await store.putPendingStep(id, 'a1', { step: 1, ai: { content: 'search', tool_calls: [] }, results: [] });
    await store.putApproval({ id: `ap-${id}`, missionId: id, taskId: 't1', actorId: 'a1', tool: 'book_train', args: {}, status: 'pending', requestedAt: new Date().toISOString() });
    const lease = await store.acquireLock(id, 'planner', 'w1', 10_000);
    if (lease) await store.releaseLock(lease);
    // A key of another component under the mission's hash tag, as the travel world writes.
    await f.redis.set(`${f.prefix}travel:{${id}}:spent`, '1000');
    await store.ownKeys(id, [`${f.prefix}travel:{${id}}:spent`]);
    return id;
  }

  it('gives every key of a finished mission, owned keys included, a TTL no longer than the retention', async () => {
    const store = open({ retentionMs: 2 * HOUR });
    const id = await busyMission(store);
    const keys = (await scanKeys(f.redis, f.prefix)).filter((k) => k.includes(`{${id}}`));
    expect(keys.length).toBeGreaterThanOrEqual(12);
    for (const k of keys) expect(await f.redis.pttl(k)).toBe(-1);

    await store.setMissionStatus(id, 'succeeded', { result: { answer: 'done', artifacts: [] } });

    const after = (await scanKeys(f.redis, f.prefix)).filter((k) => k.includes(`{${id}}`));
    expect(after.sort()).toEqual([...keys, new StoreKeys(f.prefix).owned(id)].filter((k, i, a) => a.indexOf(k) === i).sort());
    for (const k of after) {
      const ttl = await f.redis.pttl(k);
      expect(ttl, k).toBeGreaterThan(0);
      expect(ttl, k).toBeLessThanOrEqual(2 * HOUR);
    }
  });

  it('gives a key written after the finish the mission TTL too', async () => {
    const store = open({ retentionMs: 2 * HOUR });
    const { mission } = await store.createMission(missionInput());
    await store.setMissionStatus(mission.id, 'cancelled');
    await store.appendTranscript(mission.id, 'late', { step: 9 });
    await store.pushInbox(mission.id, { kind: 'tick', reason: 'late' });
    await f.redis.set(`${f.prefix}travel:{${mission.id}}:bookings`, 'x');
    await store.ownKeys(mission.id, [`${f.prefix}travel:{${mission.id}}:bookings`]);
    const k = new StoreKeys(f.prefix);
    for (const key of [k.transcript(mission.id, 'late'), k.inbox(mission.id), `${f.prefix}travel:{${mission.id}}:bookings`]) {
      const ttl = await f.redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(2 * HOUR);
    }
  });

  it('leaves an unfinished mission without TTLs', async () => {
    const store = open({ retentionMs: 2 * HOUR });
    const id = await busyMission(store);
    await store.setMissionStatus(id, 'paused');
    for (const k of (await scanKeys(f.redis, f.prefix)).filter((key) => key.includes(`{${id}}`))) expect(await f.redis.pttl(k), k).toBe(-1);
  });

  it('drops an expired mission from every listing and index', async () => {
    const store = open({ retentionMs: 300 });
    const kept = (await store.createMission(missionInput({ owner: 'alice' }))).mission.id;
    const id = await busyMission(store);
    await store.setMissionStatus(id, 'failed', { error: { code: 'x', message: 'y' } });
    expect((await store.listMissions({ owner: 'alice' })).items.map((m) => m.id)).toContain(id);

    await until(async () => (await scanKeys(f.redis, f.prefix)).every((k) => !k.includes(`{${id}}`)));
    expect((await store.listMissions({ owner: 'alice' })).items.map((m) => m.id)).toEqual([kept]);
    expect((await store.listMissions({ status: 'failed' })).items).toEqual([]);
    expect(await store.sweepExpired()).toEqual([id]);

    const k = new StoreKeys(f.prefix);
    const indexes = [k.missions, k.missionIndex({ owner: 'alice' }), k.missionIndex({ status: 'failed' }), k.missionIndex({ owner: 'alice', status: 'failed' }), k.finished];
    for (const index of indexes) expect(await f.redis.zscore(index, id), index).toBeNull();
    expect(await f.redis.hget(k.approvalIndex, `ap-${id}`)).toBeNull();
    expect(await f.redis.hget(k.finishedMeta, id)).toBeNull();
    expect(await store.getMission(kept)).not.toBeNull();
  });

  it('caps each event stream near the configured bound and keeps the answer in the record', async () => {
    const store = open({ eventsMax: 50 });
    const { mission } = await store.createMission(missionInput());
    for (let i = 0; i < 400; i++) await store.appendEvent(mission.id, { type: 'world.event', data: { source: 'api', message: `e${i}` } });
    await store.setMissionStatus(mission.id, 'succeeded', { result: { answer: 'the answer', artifacts: [] } });
    const len = await f.redis.xlen(new StoreKeys(f.prefix).events(mission.id));
    // MAXLEN ~ trims whole stream nodes (100 entries each by default), never below the bound.
    expect(len).toBeGreaterThanOrEqual(50);
    expect(len).toBeLessThanOrEqual(150);
    const events = await store.readEvents(mission.id);
    expect(events.at(-1)).toMatchObject({ type: 'mission.status', data: { to: 'succeeded' } });
    expect((await store.getMission(mission.id))?.result).toEqual({ answer: 'the answer', artifacts: [] });
  });
});

describe('retention settings', () => {
  it('reads 7d, 12h, minutes and plain seconds', () => {
    expect(parseDuration('7d')).toBe(7 * 24 * HOUR);
    expect(parseDuration('12h')).toBe(12 * HOUR);
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(parseDuration('3600')).toBe(HOUR);
    expect(retentionFromEnv({})).toEqual({ retentionMs: 7 * 24 * HOUR, eventsMax: 10_000 });
    expect(retentionFromEnv({ AIME_RETENTION: '12h', AIME_EVENTS_MAX: '500' })).toEqual({ retentionMs: 12 * HOUR, eventsMax: 500 });
  });

  it('refuses a retention or bound it cannot read, naming the setting', () => {
    expect(() => parseDuration('soon')).toThrow(/AIME_RETENTION must be a duration like 7d/);
    expect(() => parseDuration('0')).toThrow(/AIME_RETENTION/);
    expect(() => retentionFromEnv({ AIME_EVENTS_MAX: 'lots' })).toThrow(/AIME_EVENTS_MAX must be an integer/);
    expect(() => createMissionStore({ redis: REDIS_URL, retentionMs: -1 })).toThrow(/retentionMs must be a positive integer/);
  });
});

describe('index backfill', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('puts missions from before the per-owner and per-status indexes into them, once', async () => {
    const a = (await f.store.createMission(missionInput({ owner: 'alice' }))).mission.id;
    const b = (await f.store.createMission(missionInput({ owner: 'bob' }))).mission.id;
    await f.store.setMissionStatus(b, 'running');
    // As an older version left them: only the global index.
    const k = new StoreKeys(f.prefix);
    const filtered = (await scanKeys(f.redis, `${f.prefix}missions:`)).filter((key) => key !== k.missions);
    await f.redis.del(...filtered);
    expect((await f.store.listMissions({ owner: 'alice' })).items).toEqual([]);

    expect(await f.store.backfillIndexes()).toBe(2);
    expect((await f.store.listMissions({ owner: 'alice' })).items.map((m) => m.id)).toEqual([a]);
    expect((await f.store.listMissionIds({ status: 'running' })).ids).toEqual([b]);
    expect(await f.store.backfillIndexes()).toBe(0);
  });

  it('puts back missions whose index writes were lost to a crash, a finished one into the retention sweep too', async () => {
    const a = (await f.store.createMission(missionInput({ owner: 'alice' }))).mission.id;
    const b = (await f.store.createMission(missionInput({ owner: 'bob' }))).mission.id;
    await f.store.setMissionStatus(b, 'succeeded');
    // As a crash between each mission's atomic step and its index step leaves them: no index entry at all.
    const k = new StoreKeys(f.prefix);
    await f.redis.del(...(await scanKeys(f.redis, `${f.prefix}missions`)), k.finished, k.finishedMeta);
    expect((await f.store.listMissions()).items).toEqual([]);

    expect(await f.store.backfillIndexes()).toBe(2);
    expect((await f.store.listMissions()).items.map((m) => m.id).sort()).toEqual([a, b].sort());
    expect((await f.store.listMissions({ owner: 'alice', status: 'queued' })).items.map((m) => m.id)).toEqual([a]);
    expect(await f.redis.zscore(k.finished, b)).not.toBeNull();
    expect(await f.redis.zscore(k.finished, a)).toBeNull();
    // Nothing is missing any more.
    expect(await f.store.backfillIndexes()).toBe(0);
  });
});
