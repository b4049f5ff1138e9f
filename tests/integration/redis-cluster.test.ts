import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import { DEFAULT_BUDGET, type Approval, type Event, type Mission } from '@aime/protocol';
import { ActiveMissions, createMissionStore, createRedis, deleteKeysMatching, type MissionStore, type RedisClient } from '@aime/store';
import { clusterUnavailable, LocalRedisCluster } from '../helpers/redis-cluster.ts';
import { FIRST_SHINKANSEN, REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

// The whole stack (commander, planner, factory, actor worker with the travel plugin, BullMQ) on a
// three-primary Redis Cluster this file starts and stops itself, as AIME_REDIS_CLUSTER=1 runs it.
const missing = clusterUnavailable();
if (missing) console.warn(`redis-cluster.test.ts skipped: ${missing}`);

const ENDED: Mission['status'][] = ['succeeded', 'failed', 'cancelled'];
const ofType = <T extends Event['type']>(events: Event[], type: T) => events.filter((e) => e.type === type) as Extract<Event, { type: T; generic?: never }>[];

let cluster: LocalRedisCluster;
let stack: TestStack;
let travel: TravelPlugin;
let admin: RedisClient;
let approver: ReturnType<typeof setInterval> | undefined;

beforeAll(async () => {
  cluster = new LocalRedisCluster(3);
  await cluster.start();
  // Every flight booking waits for an operator: the approvals path (global approval index, decision script) runs on the cluster too.
  travel = createTravelPlugin({ requireApproval: ['book_flight'] });
  stack = await startStack({ plugins: [travel], redis: { url: cluster.url, cluster: true } });
  admin = createRedis({ url: cluster.url, cluster: true });
}, 60_000);

afterAll(async () => {
  if (approver) clearInterval(approver);
  await admin?.quit().catch(() => undefined);
  await stack?.close();
  await cluster?.stop();
});

/** Approves every pending approval, as an operator watching the inbox would. */
function approveEverything(): void {
  let busy = false;
  approver = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const pending = await stack.api<{ items: Approval[] }>('/v1/approvals');
      for (const a of pending.body.items ?? []) if (a.status === 'pending') await stack.api(`/v1/approvals/${a.id}`, { body: { decision: 'approve', note: 'cluster test' } });
    })()
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 200);
}

describe.skipIf(missing !== null)('the whole stack on a 3-primary Redis Cluster (AIME_REDIS_CLUSTER=1)', () => {
  it('runs the reference trip, replans after a sell-out, decides an approval and cancels a mission, with keys spread over the nodes', async () => {
    approveEverything();
    const [reference, disrupted, doomed] = await Promise.all([
      stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT }),
      stack.submit({ goal: REFERENCE_GOAL, context: { ...REFERENCE_CONTEXT, disruptions: [{ kind: 'sell_out_train', trainId: FIRST_SHINKANSEN, trigger: 'after_search' }] } }),
      // Slowed down so that it is still running when it is cancelled.
      stack.submit({ goal: `${REFERENCE_GOAL} [[sim-fault:latency;ms=300]]`, context: REFERENCE_CONTEXT }),
    ]);

    // The cancel: as soon as an actor works on it.
    await stack.waitForEvent(doomed, (e) => e.type === 'actor.step', 45_000);
    const cancelled = await stack.api<Mission>(`/v1/missions/${doomed}/cancel`, { method: 'POST', body: { reason: 'cluster test' } });
    expect(cancelled.status).toBe(202);

    const [a, b, c] = await Promise.all([stack.waitForStatus(reference, ENDED, 55_000), stack.waitForStatus(disrupted, ENDED, 55_000), stack.waitForStatus(doomed, ENDED, 20_000)]);

    // The reference mission: succeeded, its flight booked after an operator approved it.
    expect(a.error).toBeUndefined();
    expect(a.status).toBe('succeeded');
    const refEvents = await stack.events(reference);
    const resolved = ofType(refEvents, 'approval.resolved');
    expect(resolved.length).toBeGreaterThanOrEqual(1);
    expect(resolved.every((e) => e.data.approval.status === 'approved')).toBe(true);
    expect((await travel.world().ledger(reference)).bookings.some((x) => x.kind === 'flight')).toBe(true);

    // The disruption: the first Shinkansen sold out, a replacement search was planned, the trip still holds.
    expect(b.status).toBe('succeeded');
    expect(b.tasks.some((t) => t.id === 'find-train-tokyo-kyoto-2')).toBe(true);
    const trains = (await travel.world().ledger(disrupted)).bookings.filter((x) => x.kind === 'train');
    expect(trains).toHaveLength(1);
    expect(trains[0]!.itemId).not.toBe(FIRST_SHINKANSEN);
    // The itinerary does not name it (only the 'Changes along the way' section tells of the replacement).
    expect((b.result?.answer ?? '').split('## Changes along the way')[0]).not.toContain(FIRST_SHINKANSEN);

    // The cancel: ended as cancelled, nothing left running.
    expect(c.status).toBe('cancelled');
    await stack.waitForEvent(doomed, (e) => e.type === 'mission.finished', 10_000);
    expect((await stack.api<Mission>(`/v1/missions/${doomed}`)).body.tasks.filter((t) => t.status === 'running')).toEqual([]);

    // The listing (global index under its own hash tag) sees all three; the feed carried their events.
    const listed = await stack.api<{ items: Mission[] }>('/v1/missions?limit=10');
    expect(listed.body.items.map((m) => m.id).sort()).toEqual([reference, disrupted, doomed].sort());
    expect(await admin.zcard(`${stack.prefix}{index}:missions`)).toBe(3);
    expect(await admin.xlen(`${stack.prefix}{feed}:feed`)).toBeGreaterThan(0);
    expect(await admin.exists(`${stack.prefix}{registry}:workers`)).toBe(1);
    // BullMQ's queues each under a hash tag of their own.
    expect(await admin.exists(`{${stack.prefix}bull:aime-planner}:aime-planner:meta`)).toBe(1);

    // The operators' system view finds the queues under their per-queue tags on every primary.
    const system = await stack.api<{ queues: Array<{ name: string }> }>('/v1/system');
    expect(system.status).toBe(200);
    const names = system.body.queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['aime-planner', 'aime-factory']));
    expect(names.some((n) => n.startsWith('aime-actors-'))).toBe(true);

    // The keys really are spread: at least two primaries hold some.
    const perNode = await cluster.keysPerNode();
    expect(Object.values(perNode).filter((n) => n > 0).length, JSON.stringify(perNode)).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('keeps every store operation across missions within slots: listing pages, counts, retention, delete, repair, registry, caps, tails', async () => {
    const prefix = `test-${randomUUID()}:`;
    const store: MissionStore = createMissionStore({ redis: { url: cluster.url, cluster: true }, prefix, retentionMs: 400 });
    const input = (owner: string) => ({ goal: 'plan a trip', model: { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true }, budget: DEFAULT_BUDGET, owner });
    try {
      // Enough missions that their records sit on every primary: a page reads across slots.
      const ids: string[] = [];
      for (let i = 0; i < 24; i++) ids.push((await store.createMission(input(i % 2 ? 'alice' : 'bob'))).mission.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listMissions({ limit: 5, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((m) => m.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual([...ids].sort());
      expect((await store.listMissions({ owner: 'alice', limit: 50 })).items).toHaveLength(12);
      expect(await store.countMissions?.({ owner: 'bob' })).toMatchObject({ total: 12, byStatus: { queued: 12 } });

      // A tail across connections: an event appended after the read began arrives.
      const tail = store.tailEvents(ids[0]!, { blockMs: 5_000 });
      await new Promise((r) => setTimeout(r, 100));
      await store.appendEvent(ids[0]!, { type: 'world.event', data: { source: 'api', message: 'hello' } });
      expect((await tail).map((e) => e.type)).toEqual(['world.event']);
      expect((await store.tailFeed({ after: '0-0', blockMs: 1_000, limit: 100 })).length).toBeGreaterThanOrEqual(24);

      // Finished missions expire whole and the sweep removes them from every index.
      const [done, gone, lost] = ids as [string, string, string];
      await store.setMissionStatus(done, 'succeeded');
      await until(async () => (await store.getMission(done)) === null, 10_000);
      expect(await store.sweepExpired()).toEqual([done]);
      // Deleting a mission finds its keys on whichever primary holds its slot.
      await store.deleteMission(gone);
      expect(await store.getMission(gone)).toBeNull();
      // An index write lost to a crash comes back with the start-up repair (the first call also does the one-off backfill).
      await store.backfillIndexes();
      await admin.zrem(`${prefix}{index}:missions`, lost);
      expect((await store.listMissions({ limit: 100 })).items.map((m) => m.id)).not.toContain(lost);
      expect(await store.backfillIndexes()).toBe(1);
      expect((await store.listMissions({ limit: 100 })).items.map((m) => m.id)).toContain(lost);
      expect((await store.listMissionIds({ status: 'queued', limit: 100 })).ids).toHaveLength(22);

      // The registry and the per-caller caps, each under its own tag.
      await store.advertiseWorker({ workerId: 'w-1', queue: 'aime-actors', bundles: [{ name: 'travel', description: 'trips', tools: [], workers: 1 }], startedAt: new Date().toISOString() }, 10_000);
      expect((await store.listWorkers()).map((w) => w.workerId)).toEqual(['w-1']);
      expect((await store.listKnownBundles()).map((b) => b.name)).toEqual(['travel']);
      const active = new ActiveMissions(admin, prefix);
      expect(await active.reserve('carol', ids[3]!, 1)).toEqual({ ok: true, active: 1 });
      expect((await active.reserve('carol', ids[4]!, 1)).ok).toBe(false);
    } finally {
      await store.close();
      await deleteKeysMatching(admin, `${prefix}*`);
    }
  }, 60_000);
});

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}
