import { describe, it, expect } from 'vitest';
import { EventStore } from '../src/lib/event-store.ts';
import { ids, worldEv } from './fixtures.ts';

describe('EventStore', () => {
  it('keeps backlog then live events in id order', () => {
    const s = new EventStore();
    s.merge([worldEv('100-0'), worldEv('100-1'), worldEv('200-0')]);
    const r = s.merge([worldEv('300-0'), worldEv('300-1')]);
    expect(ids(r.added)).toEqual(['300-0', '300-1']);
    expect(ids(s.list())).toEqual(['100-0', '100-1', '200-0', '300-0', '300-1']);
    expect(s.lastId()).toBe('300-1');
    expect(r.gapAfter).toBeUndefined();
  });

  it('does not duplicate rows when a reconnect replays events it already holds', () => {
    const s = new EventStore();
    s.merge([worldEv('1-0'), worldEv('2-0'), worldEv('3-0')]);
    // The server replays from `after` = 1-0 (e.g. a second subscribe), then sends a new one.
    const r = s.merge([worldEv('2-0'), worldEv('3-0'), worldEv('4-0')]);
    expect(r.duplicates).toBe(2);
    expect(ids(r.added)).toEqual(['4-0']);
    expect(ids(s.list())).toEqual(['1-0', '2-0', '3-0', '4-0']);
    expect(r.gapAfter).toBeUndefined();
  });

  it('counts the same event twice in one batch once', () => {
    const s = new EventStore();
    const r = s.merge([worldEv('5-0'), worldEv('5-0')]);
    expect(s.size).toBe(1);
    expect(r.duplicates).toBe(1);
  });

  it('orders ids numerically, not as strings', () => {
    const s = new EventStore();
    s.merge([worldEv('9-0'), worldEv('10-0'), worldEv('10-2'), worldEv('10-10')]);
    expect(ids(s.list())).toEqual(['9-0', '10-0', '10-2', '10-10']);
  });

  it('reports a gap after the held predecessor when an event arrives below the highest id', () => {
    const s = new EventStore();
    s.merge([worldEv('1-0'), worldEv('2-0'), worldEv('5-0')]);
    // 3-0 arrives late: 4-0 (if any) may be missing too, so replay after 2-0.
    const r = s.merge([worldEv('3-0')]);
    expect(r.gapAfter).toBe('2-0');
    expect(ids(s.list())).toEqual(['1-0', '2-0', '3-0', '5-0']);
  });

  it('reports a gap from the start when the late event is older than everything held', () => {
    const s = new EventStore();
    s.merge([worldEv('7-0')]);
    const r = s.merge([worldEv('6-0')]);
    expect(r.gapAfter).toBeNull();
  });

  it('detects a skip inside one batch and picks the earliest late event', () => {
    const s = new EventStore();
    s.merge([worldEv('1-0')]);
    const r = s.merge([worldEv('4-0'), worldEv('3-0'), worldEv('2-0')]);
    expect(r.gapAfter).toBe('1-0');
    expect(ids(r.added)).toEqual(['2-0', '3-0', '4-0']);
    expect(ids(s.list())).toEqual(['1-0', '2-0', '3-0', '4-0']);
  });

  it('fills a gap when the replay after the reported id arrives, without duplicates', () => {
    const s = new EventStore();
    s.merge([worldEv('1-0'), worldEv('2-0')]);
    s.merge([worldEv('6-0')]); // live resumed after a disconnect: 3..5 are missing
    const late = s.merge([worldEv('4-0')]);
    expect(late.gapAfter).toBe('2-0');
    const replay = s.merge([worldEv('3-0'), worldEv('4-0'), worldEv('5-0'), worldEv('6-0'), worldEv('7-0')]);
    expect(replay.duplicates).toBe(2);
    expect(ids(s.list())).toEqual(['1-0', '2-0', '3-0', '4-0', '5-0', '6-0', '7-0']);
    expect(s.lastId()).toBe('7-0');
  });

  it('returns the same list array until something is added', () => {
    const s = new EventStore();
    s.merge([worldEv('1-0')]);
    const a = s.list();
    s.merge([worldEv('1-0')]);
    expect(s.list()).toBe(a);
    s.merge([worldEv('2-0')]);
    expect(s.list()).not.toBe(a);
    expect(a).toHaveLength(1);
  });
});
