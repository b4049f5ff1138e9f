import type { Bundle } from '@aime/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capabilityKey, capabilityQueue, routeActorJob } from '../src/index.ts';
import type { WorkerAdvert } from '../src/index.ts';
import { fixture } from './helpers.ts';
import type { Fixture } from './helpers.ts';

function bundle(name: string, tools: string[] = [`${name}_tool`]): Bundle {
  return {
    name,
    description: `${name} tools`,
    tools: tools.map((t) => ({ name: t, description: t, inputSchema: { type: 'object' }, sideEffects: 'none', requiresApproval: false })),
    workers: 0,
  };
}

function worker(workerId: string, names: string[]): WorkerAdvert {
  return { workerId, queue: capabilityQueue(names), bundles: names.map((n) => bundle(n)), startedAt: '2025-01-01T00:00:00.000Z' };
}

describe('capability keys and queues', () => {
  it('gives the same queue to the same bundles in any order and a different one to other bundles', () => {
    expect(capabilityKey(['trains', 'hotels'])).toBe(capabilityKey(['hotels', 'trains', 'hotels']));
    expect(capabilityKey(['trains', 'hotels'])).toMatch(/^[0-9a-f]{10}$/);
    expect(capabilityKey(['trains'])).not.toBe(capabilityKey(['trains', 'hotels']));
    expect(capabilityQueue(['trains'])).toBe(`aime-actors-${capabilityKey(['trains'])}`);
  });
});

describe('routing an actor job', () => {
  it('routes to the queue of a worker that serves every needed bundle', () => {
    const a = worker('a', ['math']);
    const b = worker('b', ['math', 'shouting']);
    expect(routeActorJob([a, b], ['shouting'])).toEqual({ ok: true, queue: b.queue, workers: 1 });
    expect(routeActorJob([a, b], ['math', 'shouting'])).toEqual({ ok: true, queue: b.queue, workers: 1 });
  });

  it('prefers the queue served by the most live workers, then the first by name', () => {
    const a1 = worker('a1', ['math']);
    const a2 = worker('a2', ['math']);
    const b = worker('b', ['math', 'shouting']);
    expect(routeActorJob([b, a1, a2], ['math'])).toMatchObject({ ok: true, queue: a1.queue, workers: 2 });
    const tie = routeActorJob([b, a1], ['math']);
    expect(tie).toMatchObject({ ok: true, queue: [a1.queue, b.queue].sort()[0] });
    // A spec with no bundles runs anywhere.
    expect(routeActorJob([b, a1, a2], [])).toMatchObject({ ok: true, queue: a1.queue });
  });

  it('names the bundle no live worker serves', () => {
    const r = routeActorJob([worker('a', ['math'])], ['math', 'weather']);
    expect(r).toEqual({ ok: false, missing: ['weather'], reason: 'waiting for a live worker serving bundle "weather"' });
  });

  it('says so when bundles are live only on different workers', () => {
    const r = routeActorJob([worker('a', ['math']), worker('b', ['weather'])], ['math', 'weather']);
    expect(r).toMatchObject({ ok: false, missing: [] });
    expect(!r.ok && r.reason).toBe('waiting for a live worker serving all of the bundles "math", "weather" together');
  });

  it('waits for any worker when none is live', () => {
    expect(routeActorJob([], [])).toMatchObject({ ok: false, reason: 'waiting for a live worker to run actors' });
  });
});

describe('known bundles and capability waits', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('remembers every advertised bundle after its worker is gone', async () => {
    await f.store.advertiseWorker(worker('w1', ['weather', 'math']), 10_000);
    await f.store.advertiseWorker(worker('w2', ['shouting']), 10_000);
    await f.store.removeWorker('w1');
    expect((await f.store.listBundles()).map((b) => b.name)).toEqual(['shouting']);
    const known = await f.store.listKnownBundles();
    expect(known.map((b) => [b.name, b.workers])).toEqual([
      ['math', 0],
      ['shouting', 0],
      ['weather', 0],
    ]);
    expect(known[2]?.tools.map((t) => t.name)).toEqual(['weather_tool']);
    expect(Date.parse(known[0]?.lastSeen ?? '')).not.toBeNaN();
  });

  it('stores, lists and removes waits; only one remover wins', async () => {
    const wait = { missionId: 'm1', taskId: 't1', attempt: 1, bundles: ['weather'], reason: 'waiting for a live worker serving bundle "weather"', since: '2025-01-01T00:00:00.000Z' };
    await f.store.putCapabilityWait(wait);
    await f.store.putCapabilityWait({ ...wait, taskId: 't2', since: '2025-01-01T00:00:01.000Z' });
    expect((await f.store.listCapabilityWaits()).map((w) => w.taskId)).toEqual(['t1', 't2']);
    const other = f.other();
    const removed = await Promise.all([f.store.removeCapabilityWait(wait), other.removeCapabilityWait(wait)]);
    expect(removed.filter(Boolean)).toHaveLength(1);
    expect(await f.store.listCapabilityWaits()).toEqual([{ ...wait, taskId: 't2', since: '2025-01-01T00:00:01.000Z' }]);
  });

  it('rejects a wait with a bad attempt', async () => {
    await expect(f.store.putCapabilityWait({ missionId: 'm', taskId: 't', attempt: 0, bundles: [], reason: 'x', since: 'now' })).rejects.toMatchObject({ code: 'invalid' });
  });
});
