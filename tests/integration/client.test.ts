import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AimeClient, AimeError, type ConnectionChange } from '@aime/client';
import { socketEvents } from '@aime/client/socket';
import { compareEventIds, type Event } from '@aime/protocol';
import { startDropProxy } from '../helpers/drop-proxy.ts';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let client: AimeClient;

beforeAll(async () => {
  // A little model latency, so a mission is still running while its stream is cut.
  stack = await startStack({ simLatencyMs: 20 });
  client = new AimeClient({ url: stack.url, apiKey: stack.token });
});

afterAll(async () => {
  await stack?.close();
});

/** The mission's stored events, as the store holds them: the truth a client must match. */
async function storedIds(id: string): Promise<string[]> {
  return (await stack.events(id)).map((e) => e.id);
}

function expectStrictlyIncreasing(ids: string[]): void {
  for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i - 1]!, ids[i]!)).toBeLessThan(0);
}

describe('@aime/client against a real stack', { timeout: 180_000 }, () => {
  it('submits the reference goal and awaits it to success, seeing every event once in order', async () => {
    const { id, status } = await client.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    expect(status).toBe('queued');
    const seen: Event[] = [];
    const mission = await client.awaitMission(id, { onEvent: (e) => seen.push(e) });
    expect(mission.status).toBe('succeeded');
    expect(mission.result?.answer).toMatch(/Kyoto/);
    expect(seen.at(-1)?.type).toBe('mission.finished');
    expect(seen.map((e) => e.id)).toEqual(await storedIds(id));
    // Once finished, awaiting answers at once from the stored mission.
    expect((await client.awaitMission(id)).status).toBe('succeeded');
  });

  it('resumes an SSE stream after forced disconnects from the last event id, each event once and in order', async () => {
    const proxy = await startDropProxy(stack.url);
    try {
      const viaProxy = new AimeClient({ url: proxy.url, apiKey: stack.token });
      const { id } = await client.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
      const changes: ConnectionChange[] = [];
      const ids: string[] = [];
      let drops = 0;
      for await (const e of viaProxy.stream(id, { onConnection: (c) => changes.push(c), retry: { initialDelayMs: 50 } })) {
        ids.push(e.id);
        // Cut the connection mid-stream, three times.
        if (ids.length % 7 === 0 && drops < 3) drops += proxy.dropAll() > 0 ? 1 : 0;
      }
      expect(drops).toBe(3);
      // A cut after the last event was already buffered needs no reconnect; the others do.
      expect(changes.filter((c) => c.state === 'retrying').length).toBeGreaterThanOrEqual(2);
      // Each reconnect resumed after the last event received.
      const reopened = changes.filter((c): c is Extract<ConnectionChange, { state: 'open' }> => c.state === 'open').slice(1);
      expect(reopened.every((c) => c.after !== undefined && ids.includes(c.after))).toBe(true);
      expect(reopened.length).toBeGreaterThanOrEqual(2);
      expectStrictlyIncreasing(ids);
      expect(ids).toEqual(await storedIds(id));
    } finally {
      await proxy.close();
    }
  });

  it('resumes a socket.io subscription after forced disconnects, each event once and in order', async () => {
    const proxy = await startDropProxy(stack.url);
    try {
      const { id } = await client.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
      const ids: string[] = [];
      let opens = 0;
      let drops = 0;
      const events = socketEvents(id, {
        url: proxy.url,
        apiKey: stack.token,
        socketOptions: { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 },
        onConnection: (c) => (opens += c.state === 'open' ? 1 : 0),
      });
      for await (const e of events) {
        ids.push(e.id);
        if (ids.length % 7 === 0 && drops < 3) drops += proxy.dropAll() > 0 ? 1 : 0;
      }
      expect(drops).toBe(3);
      expect(opens).toBeGreaterThanOrEqual(3);
      expect(ids.at(-1)).toBe((await stack.events(id)).at(-1)?.id);
      expectStrictlyIncreasing(ids);
      expect(ids).toEqual(await storedIds(id));
    } finally {
      await proxy.close();
    }
  });

  it('lists with a cursor, pages without overlap', async () => {
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await client.submit({ goal: `Write a haiku about autumn ${i}` })).id);
    const first = await client.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    const rest = await client.list({ limit: 200, cursor: first.nextCursor! });
    const all = [...first.items, ...rest.items].map((m) => m.id);
    expect(new Set(all).size).toBe(all.length);
    for (const id of mine) expect(all).toContain(id);
    const listed = [];
    for await (const m of client.listAll({ limit: 2 })) listed.push(m.id);
    expect(listed).toEqual(all);
  });

  it('pauses, resumes, injects an outside event and cancels; awaitMission then returns the cancelled mission', async () => {
    const { id } = await client.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    expect((await client.pause(id)).status).toBe('paused');
    expect((await client.resume(id)).status).toBe('running');
    const { eventId } = await client.inject(id, 'The 09:00 Nozomi is sold out', { train: 'NOZOMI-0900-2026-12-02' });
    const injected = (await client.events(id)).find((e) => e.id === eventId);
    expect(injected?.type).toBe('world.event');
    expect((await client.cancel(id)).status).toBe('cancelled');
    expect((await client.awaitMission(id)).status).toBe('cancelled');
    expect(await client.approvals(id)).toEqual([]);
  });

  it('lists the live tool bundles', async () => {
    const bundles = await client.tools();
    expect(bundles.some((b) => b.tools.some((t) => t.name === 'book_train') && b.workers >= 1)).toBe(true);
  });

  it("fails with one AimeError class carrying the server's stable code", async () => {
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
    const missing = await err(client.get('m_does_not_exist'));
    expect(missing).toBeInstanceOf(AimeError);
    expect(missing).toMatchObject({ code: 'not_found', status: 404 });
    const invalid = await err(client.submit({ goal: '' }));
    expect(invalid).toMatchObject({ code: 'validation_failed', status: 400 });
    expect((invalid as AimeError).details).toBeDefined();
    const wrongKey = await err(new AimeClient({ url: stack.url, apiKey: 'not-a-key' }).list());
    expect(wrongKey).toMatchObject({ code: 'unauthorized', status: 401 });
    const { id } = await client.submit({ goal: 'Write a haiku about autumn' });
    await client.cancel(id).catch(() => undefined);
    const finished = await err(client.resume(id));
    expect(finished).toMatchObject({ code: 'conflict', status: 409 });
    const down = await err(new AimeClient({ url: 'http://127.0.0.1:9' }).list());
    expect(down).toMatchObject({ code: 'network_error', status: 0, retryable: true });
    const stream = await err(client.stream('m_does_not_exist').next());
    expect(stream).toMatchObject({ code: 'not_found', status: 404 });
  });
});
