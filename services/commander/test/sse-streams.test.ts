import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMissionStore } from '@aime/store';
import { sseTailCount } from '../src/api/sse.ts';
import { createMission, KEYS, newPrefix, startApi, type Harness } from './api-harness.ts';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let h: Harness | undefined;
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const ac of aborts.splice(0)) ac.abort();
  vi.unstubAllEnvs();
  await h?.close();
  h = undefined;
});

/** An open SSE stream: resolves `waitFor(id)` once a frame with that event id arrived. */
interface OpenStream {
  status: number;
  ids: string[];
  waitFor(id: string): Promise<void>;
  body: unknown;
}

async function openStream(harness: Harness, missionId: string, key: string): Promise<OpenStream> {
  const ac = new AbortController();
  aborts.push(ac);
  const res = await harness.call(`/v1/missions/${missionId}/events`, { key, headers: { accept: 'text/event-stream' }, signal: ac.signal });
  const ids: string[] = [];
  const waiters: Array<{ id: string; resolve: () => void }> = [];
  if (res.status !== 200) return { status: res.status, ids, waitFor: async () => undefined, body: await res.json() };
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const id = /^id: (.+)$/m.exec(frame)?.[1];
          if (!id) continue;
          ids.push(id);
          for (const w of waiters.filter((x) => x.id === id)) w.resolve();
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return {
    status: res.status,
    ids,
    body: undefined,
    waitFor: (id) => (ids.includes(id) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ id, resolve }))),
  };
}

/** Connections Redis holds under this client name (ioredis duplicates keep the name). */
async function connectionsNamed(name: string): Promise<number> {
  const admin = new Redis(REDIS);
  try {
    const list = (await admin.client('LIST')) as string;
    return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
  } finally {
    admin.disconnect();
  }
}

describe('SSE streams share one Redis tail per mission', () => {
  it('serves 200 clients of one mission with a constant number of Redis connections', async () => {
    vi.stubEnv('AIME_MAX_STREAMS_PER_KEY', '1000');
    vi.stubEnv('AIME_MAX_STREAMS_PER_ADDRESS', '1000');
    const name = `sse-${randomUUID().slice(0, 8)}`;
    const redis = new Redis(REDIS, { connectionName: name });
    const store = createMissionStore({ redis, prefix: newPrefix() });
    h = await startApi({ store });
    const id = await createMission(h, KEYS.operator);
    const created = (await store.readEvents(id))[0]!.id;

    const before = await connectionsNamed(name);
    const streams: OpenStream[] = [];
    for (let i = 0; i < 200; i += 50) streams.push(...(await Promise.all(Array.from({ length: 50 }, () => openStream(h!, id, KEYS.operator)))));
    expect(streams.every((s) => s.status === 200)).toBe(true);
    await Promise.all(streams.map((s) => s.waitFor(created)));

    const live = await store.appendEvent(id, { type: 'world.event', data: { source: 'api', message: 'live' } });
    await Promise.all(streams.map((s) => s.waitFor(live.id)));
    expect(streams.every((s) => s.ids.join() === [created, live.id].join())).toBe(true);

    expect(sseTailCount(store)).toBe(1);
    // The store's own connection plus one blocking reader for the one shared tail.
    expect(await connectionsNamed(name)).toBeLessThanOrEqual(before + 2);

    for (const ac of aborts.splice(0)) ac.abort();
    await vi.waitFor(() => expect(sseTailCount(store)).toBe(0));
    await h.close();
    h = undefined;
    await store.close();
    redis.disconnect();
  }, 60_000);
});

describe('stream caps', () => {
  it('answers the 33rd stream of one key with 429 and a clear message, and accepts one again after a stream closes', async () => {
    vi.stubEnv('AIME_MAX_STREAMS_PER_ADDRESS', '1000');
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    const open: OpenStream[] = [];
    for (let i = 0; i < 32; i++) open.push(await openStream(h, id, KEYS.alice));
    expect(open.map((s) => s.status)).toEqual(Array(32).fill(200));

    const refused = await openStream(h, id, KEYS.alice);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'too_many_streams', message: expect.stringMatching(/at most 32 per key/) } });
    // Another key is not held back by alice's streams.
    expect((await openStream(h, id, KEYS.operator)).status).toBe(200);

    aborts[0]!.abort();
    await vi.waitFor(async () => expect((await openStream(h!, id, KEYS.alice)).status).toBe(200));
  }, 30_000);

  it('caps the streams of one address across keys', async () => {
    vi.stubEnv('AIME_MAX_STREAMS_PER_ADDRESS', '3');
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    expect((await openStream(h, id, KEYS.operator)).status).toBe(200);
    expect((await openStream(h, id, KEYS.operator)).status).toBe(200);
    expect((await openStream(h, id, KEYS.alice)).status).toBe(404);
    expect((await openStream(h, id, KEYS.bob)).status).toBe(404);
    expect((await openStream(h, id, KEYS.operator)).status).toBe(200);
    const refused = await openStream(h, id, KEYS.operator);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'too_many_streams', message: expect.stringMatching(/per address/) } });
  });

  it('shows open and refused streams in /metrics', async () => {
    vi.stubEnv('AIME_MAX_STREAMS_PER_KEY', '1');
    h = await startApi();
    const before = await (await h.call('/metrics', { key: KEYS.operator })).text();
    expect(before).toMatch(/aime_streams_open\{kind="socket"\} 0/);
    const id = await createMission(h, KEYS.operator);
    expect((await openStream(h, id, KEYS.operator)).status).toBe(200);
    expect((await openStream(h, id, KEYS.operator)).status).toBe(429);
    const text = await (await h.call('/metrics', { key: KEYS.operator })).text();
    expect(text).toMatch(/aime_streams_open\{kind="sse"\} 1/);
    expect(text).toMatch(/aime_stream_refusals_total\{scope="key"\} 1/);
  });
});
