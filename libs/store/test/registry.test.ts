import type { Bundle } from '@aime/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerAdvert } from '../src/index.ts';
import { fixture, sleep } from './helpers.ts';
import type { Fixture } from './helpers.ts';

function bundle(name: string, tools: string[]): Bundle {
  return {
    name,
    description: `${name} tools`,
    tools: tools.map((t) => ({ name: t, description: t, inputSchema: { type: 'object' }, sideEffects: 'none', requiresApproval: false })),
    workers: 0,
  };
}

function worker(workerId: string, bundles: Bundle[]): WorkerAdvert {
  return { workerId, queue: 'aime-actors', bundles, startedAt: '2025-01-01T00:00:00.000Z' };
}

describe('live capability registry', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('drops a worker that is not refreshed within its ttl and keeps a refreshed one', async () => {
    await f.store.advertiseWorker(worker('w-stale', [bundle('travel', ['search_trains'])]), 100);
    await f.store.advertiseWorker(worker('w-live', [bundle('travel', ['search_trains'])]), 100);
    expect((await f.store.listWorkers()).map((w) => w.workerId)).toEqual(['w-live', 'w-stale']);
    await sleep(60);
    await f.store.advertiseWorker(worker('w-live', [bundle('travel', ['search_trains'])]), 10_000);
    await sleep(100);
    expect((await f.store.listWorkers()).map((w) => w.workerId)).toEqual(['w-live']);
    // The index was pruned too.
    expect(await f.redis.zrange(`${f.prefix}workers`, 0, -1)).toEqual(['w-live']);
  });

  it('merges bundles by name across live workers and counts the workers serving each', async () => {
    await f.store.advertiseWorker(worker('w1', [bundle('travel', ['search_trains', 'book_train']), bundle('weather', ['forecast'])]), 10_000);
    await f.store.advertiseWorker(worker('w2', [bundle('travel', ['search_trains', 'search_flights'])]), 10_000);
    const bundles = await f.store.listBundles();
    expect(bundles.map((b) => [b.name, b.workers])).toEqual([
      ['travel', 2],
      ['weather', 1],
    ]);
    expect(bundles[0]?.tools.map((t) => t.name)).toEqual(['search_trains', 'book_train', 'search_flights']);
  });

  it('forgets a removed worker at once', async () => {
    await f.store.advertiseWorker(worker('w1', [bundle('travel', ['a'])]), 10_000);
    await f.store.advertiseWorker(worker('w2', [bundle('travel', ['a'])]), 10_000);
    await f.store.removeWorker('w1');
    expect((await f.store.listBundles()).map((b) => [b.name, b.workers])).toEqual([['travel', 1]]);
  });

  it('rejects a non-positive ttl', async () => {
    await expect(f.store.advertiseWorker(worker('w1', []), 0)).rejects.toMatchObject({ code: 'invalid' });
  });
});
