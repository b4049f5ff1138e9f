import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '@aime/protocol';
import { createMission, KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const worldEvent = (message: string) => ({ type: 'world.event' as const, data: { source: 'operator' as const, message } });

/** Reads SSE frames from a fetch body. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    /** The next `data:` frame as { id, event }, or null when the stream ended. */
    async next(): Promise<{ id: string | undefined; event: Event } | null> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = frame.split('\n');
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
          if (data.length === 0) continue; // a comment (ping)
          const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
          expect(lines.some((l) => l.startsWith('event:'))).toBe(false);
          return { id, event: JSON.parse(data.join('\n')) as Event };
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('GET /v1/missions/:id/events', () => {
  it('pages through events with after and limit', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    for (const m of ['one', 'two', 'three', 'four']) await h.store.appendEvent(id, worldEvent(m));
    const all = await h.store.readEvents(id);
    expect(all).toHaveLength(5);

    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await h.call(`/v1/missions/${id}/events?limit=2${after ? `&after=${after}` : ''}`, { key: KEYS.operator });
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: Event[] };
      if (items.length === 0) break;
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((e) => e.id));
      after = items.at(-1)?.id;
    }
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('rejects an after that is not an event id', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    const res = await h.call(`/v1/missions/${id}/events?after=yesterday`, { key: KEYS.operator });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { details: Array<{ path: string }> } }).error.details[0]?.path).toBe('after');
  });
});

describe('SSE', () => {
  it('resumes after Last-Event-ID, delivers live events and ends after mission.finished', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    const first = await h.store.appendEvent(id, worldEvent('before 1'));
    const second = await h.store.appendEvent(id, worldEvent('before 2'));

    // The URL's after=0-0 is what a reconnecting EventSource repeats; the header is newer and wins.
    const res = await h.call(`/v1/missions/${id}/events?after=0-0`, { key: KEYS.alice, headers: { accept: 'text/event-stream', 'last-event-id': first.id } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = sseReader(res.body!);

    const backlog = await sse.next();
    expect(backlog?.id).toBe(second.id);
    expect(backlog?.event).toMatchObject({ id: second.id, type: 'world.event', data: { message: 'before 2' } });

    const live = await h.store.appendEvent(id, worldEvent('live'));
    const got = await sse.next();
    expect(got?.id).toBe(live.id);
    expect(got?.event.data).toMatchObject({ message: 'live' });

    const fin = await h.store.appendEvent(id, { type: 'mission.finished', data: { status: 'cancelled' } });
    expect((await sse.next())?.id).toBe(fin.id);
    expect(await sse.next()).toBeNull();
  });

  it('replays everything from the start when neither after nor Last-Event-ID is given', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    await h.store.appendEvent(id, { type: 'mission.finished', data: { status: 'succeeded', answer: 'done' } });
    const res = await h.call(`/v1/missions/${id}/events`, { key: KEYS.operator, headers: { accept: 'text/event-stream' } });
    const sse = sseReader(res.body!);
    const types: string[] = [];
    for (let f = await sse.next(); f; f = await sse.next()) types.push(f.event.type);
    expect(types).toEqual(['mission.created', 'mission.finished']);
  });

  it('refuses a stream of another caller\'s mission and a malformed Last-Event-ID', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.bob);
    expect((await h.call(`/v1/missions/${id}/events`, { key: KEYS.alice, headers: { accept: 'text/event-stream' } })).status).toBe(404);
    expect((await h.call(`/v1/missions/${id}/events`, { key: KEYS.bob, headers: { accept: 'text/event-stream', 'last-event-id': 'abc' } })).status).toBe(400);
  });

  it('closing the server ends open streams', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    const res = await h.call(`/v1/missions/${id}/events`, { key: KEYS.operator, headers: { accept: 'text/event-stream' } });
    const sse = sseReader(res.body!);
    expect((await sse.next())?.event.type).toBe('mission.created');
    const closing = h.app.close();
    expect(await sse.next()).toBeNull();
    await closing;
  });
});
