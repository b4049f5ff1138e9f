import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareEventIds } from '@aime/protocol';
import { fixture, missionInput, sleep, worldEvent } from './helpers.ts';
import type { Fixture } from './helpers.ts';

describe('event streams', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('reads back exactly the events after any id, in order', async () => {
    const { mission, event: created } = await f.store.createMission(missionInput());
    const ids = [created.id];
    for (let i = 0; i < 50; i++) ids.push((await f.store.appendEvent(mission.id, worldEvent(`e${i}`))).id);
    const all = await f.store.readEvents(mission.id);
    expect(all.map((e) => e.id)).toEqual(ids);
    for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i - 1] as string, ids[i] as string)).toBe(-1);
    for (let i = 0; i < ids.length; i++) {
      const after = await f.store.readEvents(mission.id, { after: ids[i] as string });
      expect(after.map((e) => e.id)).toEqual(ids.slice(i + 1));
    }
    const page = await f.store.readEvents(mission.id, { after: ids[10] as string, limit: 5 });
    expect(page.map((e) => e.id)).toEqual(ids.slice(11, 16));
  });

  it('stores the envelope and data and parses them back', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const written = await f.store.appendEvent(mission.id, { type: 'actor.progress', taskId: 't1', actorId: 'a1', data: { status: 'searching', message: 'trains' } });
    const [read] = await f.store.readEvents(mission.id, { after: (await f.store.readEvents(mission.id))[0]?.id as string });
    expect(read).toEqual(written);
    expect(read).toMatchObject({ missionId: mission.id, type: 'actor.progress', taskId: 't1', actorId: 'a1', v: 1, data: { status: 'searching', message: 'trains' } });
    expect(await f.store.lastEventId(mission.id)).toBe(written.id);
  });

  it('rejects an event that does not match its schema and appends nothing', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const before = await f.store.lastEventId(mission.id);
    await expect(f.store.appendEvent(mission.id, { type: 'task.dispatched', data: { attempt: -1 } })).rejects.toMatchObject({ code: 'invalid' });
    expect(await f.store.lastEventId(mission.id)).toBe(before);
  });

  it('refuses to append to a mission that does not exist', async () => {
    await expect(f.store.appendEvent('m_missing', worldEvent('x'))).rejects.toMatchObject({ code: 'not_found' });
    expect(await f.store.lastEventId('m_missing')).toBeNull();
  });

  it('rejects an after that is not an event id', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await expect(f.store.readEvents(mission.id, { after: 'nope' })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('delivers to a blocking tail an event appended by another connection', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const writer = f.other();
    const after = (await f.store.lastEventId(mission.id)) as string;
    const tail = f.store.tailEvents(mission.id, { after, blockMs: 10_000 });
    await sleep(100);
    const appended = await writer.appendEvent(mission.id, worldEvent('the 09:00 Nozomi is sold out'));
    const got = await tail;
    expect(got.map((e) => e.id)).toEqual([appended.id]);
    expect(got[0]).toMatchObject({ type: 'world.event', data: { message: 'the 09:00 Nozomi is sold out' } });
  });

  it('tails only events newer than the current last one when after is omitted', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await f.store.appendEvent(mission.id, worldEvent('old'));
    const tail = f.store.tailEvents(mission.id, { blockMs: 10_000 });
    await sleep(100);
    const fresh = await f.other().appendEvent(mission.id, worldEvent('new'));
    expect((await tail).map((e) => e.id)).toEqual([fresh.id]);
  });

  it('returns the backlog at once when events after `after` exist', async () => {
    const { mission, event: created } = await f.store.createMission(missionInput());
    const a = await f.store.appendEvent(mission.id, worldEvent('a'));
    const b = await f.store.appendEvent(mission.id, worldEvent('b'));
    expect((await f.store.tailEvents(mission.id, { after: created.id, blockMs: 0 })).map((e) => e.id)).toEqual([a.id, b.id]);
  });

  it('resolves an aborted tail with no events', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const ac = new AbortController();
    // blockMs 0 waits forever: only the abort can end this call.
    const tail = f.store.tailEvents(mission.id, { blockMs: 0, signal: ac.signal });
    await sleep(100);
    ac.abort();
    expect(await tail).toEqual([]);
    // The store keeps working after the aborted read, including further tails.
    const next = f.store.tailEvents(mission.id, { blockMs: 10_000 });
    await sleep(100);
    const e = await f.store.appendEvent(mission.id, worldEvent('after abort'));
    expect((await next).map((x) => x.id)).toEqual([e.id]);
  });

  it('resolves with no events when the signal was aborted before the call', async () => {
    const { mission, event } = await f.store.createMission(missionInput());
    const ac = new AbortController();
    ac.abort();
    // Even with a backlog present: an aborted caller gets nothing.
    expect(await f.store.tailEvents(mission.id, { after: '0-0', blockMs: 0, signal: ac.signal })).toEqual([]);
    expect((await f.store.readEvents(mission.id)).map((e) => e.id)).toEqual([event.id]);
  });

  it('does not block the main connection while a tail waits', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const ac = new AbortController();
    const tail = f.store.tailEvents(mission.id, { blockMs: 0, signal: ac.signal });
    await sleep(50);
    // Were the tail on the main connection, these commands would queue behind XREAD BLOCK forever.
    const e = await f.store.appendEvent(mission.id, worldEvent('while tailing'));
    expect((await f.store.readEvents(mission.id)).map((x) => x.id)).toContain(e.id);
    const got = await tail;
    expect(got.map((x) => x.id)).toEqual([e.id]);
    ac.abort();
  });

  it('ends a pending tail with no events when the store closes', async () => {
    const reader = f.other();
    const { mission } = await f.store.createMission(missionInput());
    const tail = reader.tailEvents(mission.id, { blockMs: 0 });
    await sleep(100);
    await reader.close();
    expect(await tail).toEqual([]);
  });

  it('mirrors every appended event into the global feed', async () => {
    const after = '0-0';
    const { mission, event: created } = await f.store.createMission(missionInput());
    const e = await f.store.appendEvent(mission.id, worldEvent('x'));
    const { events } = await f.store.writeGraph(mission.id, 0, { version: 0, tasks: [] }, [{ type: 'task.dispatched', taskId: 't1', data: { attempt: 1 } }]);
    const status = await f.store.setMissionStatus(mission.id, 'planning');
    const feed = await f.store.tailFeed({ after, blockMs: 1000 });
    expect(feed.map((x) => [x.missionId, x.eventId, x.type])).toEqual([
      [mission.id, created.id, 'mission.created'],
      [mission.id, e.id, 'world.event'],
      [mission.id, events[0]?.id, 'task.dispatched'],
      [mission.id, status?.event.id, 'mission.status'],
    ]);
  });

  it('tails the feed live from another connection', async () => {
    const { mission } = await f.store.createMission(missionInput());
    const tail = f.store.tailFeed({ blockMs: 10_000 });
    await sleep(100);
    const e = await f.other().appendEvent(mission.id, worldEvent('live'));
    const got = await tail;
    expect(got.map((x) => x.eventId)).toEqual([e.id]);
    const ac = new AbortController();
    const aborted = f.store.tailFeed({ blockMs: 0, signal: ac.signal });
    await sleep(50);
    ac.abort();
    expect(await aborted).toEqual([]);
  });
});
