import { afterEach, describe, expect, it } from 'vitest';
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

async function gateway(): Promise<GatewayServerHarness> {
  const g = await startGateway(s.store);
  gateways.push(g);
  return g;
}

async function client(url: string, token: string | undefined): Promise<RecordingClient> {
  const c = await connectClient(url, token);
  clients.push(c);
  return c;
}

const ids = (c: RecordingClient) => c.events.map((e) => e.id);

describe('subscribe', () => {
  it('replays the backlog after `after`, then live events, in order', async () => {
    s = openStore();
    const g = await gateway();
    const id = await s.mission(KEYS.alice);
    const first = await s.store.appendEvent(id, world('one'));
    await s.store.appendEvent(id, world('two'));
    const c = await client(g.url, KEYS.alice);

    expect(await c.subscribe(id, first.id)).toEqual({ ok: true });
    expect(c.events.map((e) => (e.data as { message: string }).message)).toEqual(['two']);

    await s.store.appendEvent(id, world('three'));
    await s.store.appendEvent(id, world('four'));
    await until(() => c.events.length === 3, 'live events');
    const stored = (await s.store.readEvents(id, { after: first.id })).map((e) => e.id);
    expect(ids(c)).toEqual(stored);
  });

  it('replays the whole stream without `after`', async () => {
    s = openStore();
    const g = await gateway();
    const id = await s.mission(KEYS.operator);
    await s.store.appendEvent(id, world('one'));
    const c = await client(g.url, KEYS.operator);
    expect(await c.subscribe(id)).toEqual({ ok: true });
    expect(c.events.map((e) => e.type)).toEqual(['mission.created', 'world.event']);
  });

  it('loses and repeats nothing while events are appended during the backlog read', async () => {
    s = openStore();
    const g = await gateway();
    const id = await s.mission(KEYS.operator);
    for (let i = 0; i < 300; i++) await s.store.appendEvent(id, world(`old ${i}`));
    const c = await client(g.url, KEYS.operator);
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 200; i++) await s.store.appendEvent(id, world(`new ${i}`));
    })();
    const ack = await c.subscribe(id);
    expect(ack.ok).toBe(true);
    writing = false;
    await writer;
    const last = await s.store.lastEventId(id);
    await until(() => c.events.at(-1)?.id === last, 'the last event');
    expect(ids(c)).toEqual((await s.store.readEvents(id, { limit: 10_000 })).map((e) => e.id));
  });

  it('answers not_found for unknown and foreign missions and validation_failed for bad requests', async () => {
    s = openStore();
    const g = await gateway();
    const bobs = await s.mission(KEYS.bob);
    const alice = await client(g.url, KEYS.alice);
    expect(await alice.subscribe(bobs)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await alice.subscribe('no-such-mission')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await alice.subscribe(bobs, 'not-an-id')).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    await s.store.appendEvent(bobs, world('secret'));
    const bob = await client(g.url, KEYS.bob);
    expect(await bob.subscribe(bobs)).toEqual({ ok: true });
    expect(bob.events).toHaveLength(2);
    expect(alice.events).toEqual([]);
  });

  it('refuses a handshake without a valid key', async () => {
    s = openStore();
    const g = await gateway();
    await expect(connectClient(g.url, 'wrong-key')).rejects.toThrow(/unknown API key/);
    await expect(connectClient(g.url, undefined)).rejects.toThrow(/missing API key/);
  });

  it('sends each live event once to every socket of a mission (one broadcast), whatever each one replayed from', async () => {
    s = openStore();
    const g = await gateway();
    const id = await s.mission(KEYS.operator);
    const other = await s.mission(KEYS.operator);
    const first = await s.store.appendEvent(id, world('one'));
    const fromStart = await client(g.url, KEYS.operator);
    const fromFirst = await client(g.url, KEYS.operator);
    const both = await client(g.url, KEYS.operator);
    expect(await fromStart.subscribe(id)).toEqual({ ok: true });
    expect(await fromFirst.subscribe(id, first.id)).toEqual({ ok: true });
    expect(await both.subscribe(other)).toEqual({ ok: true });
    for (let i = 0; i < 20; i++) {
      await s.store.appendEvent(id, world(`live ${i}`));
      if (i === 10) expect(await both.subscribe(id)).toEqual({ ok: true });
    }
    await s.store.appendEvent(other, world('other'));
    const last = await s.store.lastEventId(id);
    const lastOther = await s.store.lastEventId(other);
    for (const c of [fromStart, fromFirst, both]) await until(() => ids(c).includes(last!), 'the last event');
    await until(() => ids(both).includes(lastOther!), 'the last event of the other mission');
    const all = (await s.store.readEvents(id)).map((e) => e.id);
    expect(ids(fromStart)).toEqual(all);
    expect(ids(fromFirst)).toEqual(all.slice(all.indexOf(first.id) + 1));
    expect(both.events.filter((e) => e.missionId === id).map((e) => e.id)).toEqual(all);
    expect(both.events.filter((e) => e.missionId === other).map((e) => e.id)).toEqual((await s.store.readEvents(other)).map((e) => e.id));
  });

  it('stops delivering after unsubscribe', async () => {
    s = openStore();
    const g = await gateway();
    const a = await s.mission(KEYS.operator);
    const b = await s.mission(KEYS.operator);
    const c = await client(g.url, KEYS.operator);
    await c.subscribe(a);
    await c.unsubscribe(a);
    await s.store.appendEvent(a, world('unseen'));
    await c.subscribe(b);
    const marker = await s.store.appendEvent(b, world('seen'));
    await until(() => ids(c).includes(marker.id), 'the event of b');
    expect(c.events.filter((e) => e.missionId === a).map((e) => e.type)).toEqual(['mission.created']);
  });
});

describe('reconnect', () => {
  it('re-subscribing with the last id after a server-side disconnect gives no gap and no duplicate', async () => {
    s = openStore();
    const g = await gateway();
    const id = await s.mission(KEYS.operator);
    const c = await client(g.url, KEYS.operator);
    await c.subscribe(id);
    await s.store.appendEvent(id, world('before'));
    await until(() => c.events.length === 2, 'live event before the disconnect');

    const disconnected = new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
    g.gateway.io.disconnectSockets(true);
    expect(await disconnected).toBe('io server disconnect');

    for (const m of ['while 1', 'while 2', 'while 3']) await s.store.appendEvent(id, world(m));
    const lastSeen = c.events.at(-1)?.id;
    c.socket.connect();
    await new Promise<void>((resolve) => c.socket.once('connect', () => resolve()));
    expect(await c.subscribe(id, lastSeen)).toEqual({ ok: true });
    await s.store.appendEvent(id, world('after'));
    await until(() => c.events.length === 6, 'all six events');
    expect(ids(c)).toEqual((await s.store.readEvents(id)).map((e) => e.id));
    expect(new Set(ids(c)).size).toBe(6);
  });
});

describe('several gateways', () => {
  it('two gateway processes on the same Redis both deliver the same live events', async () => {
    s = openStore();
    const g1 = await gateway();
    const g2 = await gateway();
    const id = await s.mission(KEYS.operator);
    const c1 = await client(g1.url, KEYS.operator);
    const c2 = await client(g2.url, KEYS.operator);
    await c1.subscribe(id);
    await c2.subscribe(id);
    for (const m of ['a', 'b', 'c']) await s.store.appendEvent(id, world(m));
    await until(() => c1.events.length === 4 && c2.events.length === 4, 'both clients');
    expect(ids(c1)).toEqual(ids(c2));
    expect(ids(c1)).toEqual((await s.store.readEvents(id)).map((e) => e.id));
  });
});

describe('close', () => {
  it('disconnects clients and stops delivering', async () => {
    s = openStore();
    const g = await gateway();
    const id = await s.mission(KEYS.operator);
    const c = await client(g.url, KEYS.operator);
    await c.subscribe(id);
    const disconnected = new Promise<void>((resolve) => c.socket.once('disconnect', () => resolve()));
    await g.gateway.close();
    await disconnected;
    expect(c.socket.connected).toBe(false);
  });
});
