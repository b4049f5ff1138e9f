import { describe, it, expect } from 'vitest';
import { mergeSummaries, upsertSummaries } from '../src/lib/summary-merge.ts';
import { summary } from './fixtures.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe('mergeSummaries', () => {
  it('shows a live update over the older REST item', () => {
    const rest = [summary('a', { updatedAt: at(1), progress: { done: 0, total: 3 } })];
    const live = upsertSummaries(new Map(), [summary('a', { updatedAt: at(5), progress: { done: 2, total: 3 } })]);
    const out = mergeSummaries(rest, live);
    expect(out).toHaveLength(1);
    expect(out[0]?.progress.done).toBe(2);
  });

  it('keeps a REST item that is newer than a stale live update', () => {
    const rest = [summary('a', { updatedAt: at(9), status: 'succeeded' })];
    const live = upsertSummaries(new Map(), [summary('a', { updatedAt: at(3), status: 'running' })]);
    expect(mergeSummaries(rest, live)[0]?.status).toBe('succeeded');
  });

  it('adds a mission created after the list was loaded', () => {
    const rest = [summary('a', { createdAt: at(1) })];
    const live = upsertSummaries(new Map(), [summary('b', { createdAt: at(2) })]);
    expect(mergeSummaries(rest, live).map((s) => s.id)).toEqual(['b', 'a']);
  });

  it('moves a mission out of a status filter when its status changes live', () => {
    const rest = [summary('a', { status: 'running', updatedAt: at(1) }), summary('b', { status: 'running', updatedAt: at(1) })];
    const live = upsertSummaries(new Map(), [summary('a', { status: 'succeeded', updatedAt: at(2) })]);
    expect(mergeSummaries(rest, live, 'running').map((s) => s.id)).toEqual(['b']);
    expect(mergeSummaries(rest, live, 'succeeded').map((s) => s.id)).toEqual(['a']);
  });

  it('sorts newest first', () => {
    const rest = [summary('old', { createdAt: at(1) }), summary('new', { createdAt: at(30) }), summary('mid', { createdAt: at(10) })];
    expect(mergeSummaries(rest, new Map()).map((s) => s.id)).toEqual(['new', 'mid', 'old']);
  });
});

describe('upsertSummaries', () => {
  it('keeps the newest update per mission whatever the arrival order', () => {
    const m = upsertSummaries(new Map(), [summary('a', { updatedAt: at(5), status: 'paused' }), summary('a', { updatedAt: at(2), status: 'running' })]);
    expect(m.get('a')?.status).toBe('paused');
  });

  it('does not mutate the map it is given', () => {
    const held = new Map([['a', summary('a')]]);
    upsertSummaries(held, [summary('b')]);
    expect([...held.keys()]).toEqual(['a']);
  });
});
