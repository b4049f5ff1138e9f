import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { MissionSummary } from '@aime/protocol';
import { SummaryFeed } from '../src/gateway/summary-feed.ts';
import { KEYS } from './api-harness.ts';
import { connectClient, openStore, startGateway, until, world, type GatewayServerHarness, type RecordingClient, type StoreHarness } from './gateway-harness.ts';

let s: StoreHarness;
const gateways: GatewayServerHarness[] = [];
const clients: RecordingClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.disconnect();
  for (const g of gateways.splice(0)) await g.close();
  await s?.close();
});

async function setup(opts: Parameters<typeof startGateway>[1] = {}): Promise<GatewayServerHarness> {
  s = openStore();
  const g = await startGateway(s.store, opts);
  gateways.push(g);
  return g;
}

async function client(url: string, token: string | undefined): Promise<RecordingClient> {
  const c = await connectClient(url, token);
  clients.push(c);
  return c;
}

describe('the missions room', () => {
  it('operators get a summary after a status change; callers only of their own missions', async () => {
    const g = await setup();
    const alices = await s.mission(KEYS.alice);
    const op = await client(g.url, KEYS.operator);
    const alice = await client(g.url, KEYS.alice);
    const bob = await client(g.url, KEYS.bob);

    await s.store.setMissionStatus(alices, 'paused', { from: ['queued'], reason: 'test' });
    await until(() => op.summaries.some((m) => m.id === alices && m.status === 'paused'), 'the operator summary');
    await until(() => alice.summaries.some((m) => m.id === alices && m.status === 'paused'), 'the owner summary');
    expect(op.summaries.at(-1)).toMatchObject({ id: alices, goal: 'plan a trip', status: 'paused', progress: { done: 0, total: 0 } });

    const bobs = await s.mission(KEYS.bob);
    await s.store.appendEvent(bobs, world('bob only'));
    await until(() => bob.summaries.some((m) => m.id === bobs), 'bob\'s own summary');
    expect(new Set(bob.summaries.map((m) => m.id))).toEqual(new Set([bobs]));
    await until(() => op.summaries.some((m) => m.id === bobs), 'the operator summary of bob\'s mission');
    expect(alice.summaries.every((m) => m.id === alices)).toBe(true);
  });

  it('builds no summary while no client is connected, and builds them again once one is', async () => {
    s = openStore();
    const id = await s.mission(KEYS.operator);
    let connected = false;
    const reads: string[] = [];
    const store = new Proxy(s.store, {
      get(target, prop, receiver) {
        if (prop === 'getMission') reads.push('getMission');
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const sent: MissionSummary[] = [];
    const feed = new SummaryFeed(store, (_rooms, summary) => sent.push(summary), pino({ level: 'silent' }), { throttleMs: 10, blockMs: 200 }, () => connected);
    feed.start();
    try {
      feed.touch(id);
      await new Promise((r) => setTimeout(r, 100));
      expect(reads).toEqual([]);
      expect(sent).toEqual([]);
      connected = true;
      await s.store.setMissionStatus(id, 'paused', { from: ['queued'] });
      await until(() => sent.some((m) => m.id === id && m.status === 'paused'), 'a summary once a client is there');
      expect(reads.length).toBeGreaterThan(0);
    } finally {
      feed.stop();
    }
  });

  it('folds a burst of changes into few summaries and always sends the last state', async () => {
    const g = await setup({ throttleMs: 1000 });
    const id = await s.mission(KEYS.operator);
    const op = await client(g.url, KEYS.operator);
    for (let i = 0; i < 5; i++) {
      await s.store.setMissionStatus(id, 'paused', { from: ['queued', 'running'] });
      await s.store.setMissionStatus(id, 'running', { from: ['paused'] });
    }
    await s.store.setMissionStatus(id, 'cancelled', { from: ['running'] });
    await until(() => op.summaries.at(-1)?.status === 'cancelled', 'the final state');
    // Eleven changes inside one throttle window: one leading summary and one trailing one.
    expect(op.summaries.length).toBeLessThanOrEqual(3);
  });

  it('with no keys and AIME_INSECURE_LOOPBACK accepts loopback sockets as operators', async () => {
    const g = await setup({ apiKeys: '', insecureLoopback: true });
    const id = await s.mission('whoever');
    const local = await client(g.url, undefined);
    await s.store.appendEvent(id, world('x'));
    await until(() => local.summaries.some((m) => m.id === id), 'a summary');
    expect(await local.subscribe(id)).toEqual({ ok: true });
  });
});
