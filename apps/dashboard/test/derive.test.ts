import { describe, it, expect } from 'vitest';
import { EMPTY_USAGE } from '@aime/protocol';
import type { Mission } from '@aime/protocol';
import { deriveActors, reuseUnchanged } from '../src/lib/actors.ts';
import { liveUsage, usageSeries } from '../src/lib/usage.ts';
import { finalResult } from '../src/lib/result.ts';
import { eventSummary, filterEvents, filterOptions } from '../src/lib/event-text.ts';
import { parseRoute, missionHref } from '../src/lib/route.ts';
import { formatElapsed } from '../src/lib/format.ts';
import { ev, ids, worldEv } from './fixtures.ts';

const persona = { name: 'Rail booker', role: 'books trains', traits: ['careful'] };
const spawned = (id: string, actorId: string, taskId: string) =>
  ev(id, 'actor.spawned', { persona, bundles: ['travel'], tools: ['search_trains', 'book_train'], attempt: 1 }, { actorId, taskId });
const step = (id: string, actorId: string, n: number) =>
  ev(id, 'actor.step', { step: n, thought: `think ${n}`, toolCall: { name: 'search_trains', args: { from: 'Tokyo' } }, observation: 'found 3' }, { actorId, taskId: 't1' });
const usage = (id: string, p: number, c: number, cost: number) =>
  ev(id, 'usage', { role: 'actor', model: 'sim', promptTokens: p, completionTokens: c, costUsd: cost });

describe('deriveActors', () => {
  it('folds persona, steps, progress and report per actor', () => {
    const actors = deriveActors([
      spawned('1-0', 'a1', 't1'),
      step('2-0', 'a1', 0),
      ev('3-0', 'actor.progress', { status: 'searching', message: 'looking for trains' }, { actorId: 'a1', taskId: 't1' }),
      spawned('4-0', 'a2', 't2'),
      step('5-0', 'a1', 1),
      ev('6-0', 'actor.reported', { report: { status: 'failed', summary: 'sold out', artifacts: [], references: [] } }, { actorId: 'a1', taskId: 't1' }),
      worldEv('7-0'),
    ]);
    expect(actors.map((a) => a.actorId)).toEqual(['a1', 'a2']);
    const a1 = actors[0];
    expect(a1?.persona?.name).toBe('Rail booker');
    expect(a1?.bundles).toEqual(['travel']);
    expect(a1?.steps.map((s) => s.data.step)).toEqual([0, 1]);
    expect(a1?.progress.map((p) => p.message)).toEqual(['looking for trains']);
    expect(a1?.report?.summary).toBe('sold out');
    expect(actors[1]?.steps).toEqual([]);
  });

  it('reuses the previous view of an actor that did nothing new', () => {
    const first = deriveActors([spawned('1-0', 'a1', 't1'), spawned('2-0', 'a2', 't2')]);
    const second = reuseUnchanged(first, deriveActors([spawned('1-0', 'a1', 't1'), spawned('2-0', 'a2', 't2'), step('3-0', 'a2', 0)]));
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]?.steps).toHaveLength(1);
  });
});

describe('usage', () => {
  it('accumulates tokens and cost over usage events only', () => {
    const s = usageSeries([usage('1000-0', 100, 20, 0.01), worldEv('1500-0'), usage('2000-0', 50, 5, 0.002)]);
    expect(s.map((p) => [p.t, p.tokens])).toEqual([
      [1000, 120],
      [2000, 175],
    ]);
    expect(s[1]?.costUsd).toBeCloseTo(0.012);
  });

  it('shows whichever of snapshot and live events is further along', () => {
    const series = usageSeries([usage('1-0', 100, 0, 0.5)]);
    expect(liveUsage({ ...EMPTY_USAGE, promptTokens: 40, completionTokens: 10, costUsd: 0.9 }, series)).toEqual({ tokens: 100, costUsd: 0.9 });
  });
});

const mission = (over: Partial<Mission>): Mission => ({
  id: 'm-1',
  goal: 'g',
  status: 'running',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  model: { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true },
  budget: { maxTokens: 1, maxCostUsd: 1, maxWallMs: 1, maxPlannerSteps: 1, maxParallelActors: 1 },
  usage: EMPTY_USAGE,
  costKnown: true,
  tasks: [],
  progressMarkdown: '',
  ...over,
});

describe('finalResult', () => {
  it('has nothing while the mission runs', () => {
    expect(finalResult(mission({}), [worldEv('1-0')])).toBeUndefined();
  });

  it('shows the mission.finished event before the snapshot catches up', () => {
    const r = finalResult(mission({}), [ev('9-0', 'mission.finished', { status: 'succeeded', answer: 'Day 1: fly ICN→HND' })]);
    expect(r).toMatchObject({ status: 'succeeded', answer: 'Day 1: fly ICN→HND' });
  });

  it('prefers the snapshot result once it has one', () => {
    const r = finalResult(mission({ status: 'succeeded', result: { answer: 'from snapshot', artifacts: [] } }), [
      ev('9-0', 'mission.finished', { status: 'succeeded', answer: 'from event' }),
    ]);
    expect(r?.answer).toBe('from snapshot');
  });

  it('shows the error of a failed mission', () => {
    const r = finalResult(mission({ status: 'failed', error: { code: 'budget_exceeded', message: 'out of tokens' } }), []);
    expect(r).toMatchObject({ status: 'failed', error: { code: 'budget_exceeded' } });
  });
});

describe('timeline helpers', () => {
  const events = [
    ev('1-0', 'task.updated', { status: 'running' }, { taskId: 't1' }),
    ev('2-0', 'task.updated', { status: 'failed', reason: 'sold out' }, { taskId: 't2' }),
    worldEv('3-0'),
  ];

  it('filters by type and by task', () => {
    expect(ids(filterEvents(events, { type: 'task.updated' }))).toEqual(['1-0', '2-0']);
    expect(ids(filterEvents(events, { taskId: 't2' }))).toEqual(['2-0']);
    expect(ids(filterEvents(events, { type: 'world.event', taskId: 't2' }))).toEqual([]);
    expect(filterEvents(events, {})).toBe(events);
  });

  it('offers the types and tasks present', () => {
    expect(filterOptions(events)).toEqual({ types: ['task.updated', 'world.event'], taskIds: ['t1', 't2'] });
  });

  it('summarises a step with its tool call and an unknown event by its data', () => {
    expect(eventSummary(step('1-0', 'a1', 3))).toBe('#3 think 3 → search_trains({"from":"Tokyo"})');
    expect(eventSummary(ev('2-0', 'future.thing', { x: 1 }))).toBe('{"x":1}');
    expect(eventSummary(events[1]!)).toBe('failed: sold out');
  });
});

describe('routes and formats', () => {
  it('parses the two pages and round-trips mission ids', () => {
    expect(parseRoute('')).toEqual({ name: 'missions', query: '' });
    expect(parseRoute('#/')).toEqual({ name: 'missions', query: '' });
    expect(parseRoute('#/?status=failed&q=kyoto')).toEqual({ name: 'missions', query: 'status=failed&q=kyoto' });
    expect(parseRoute('#/approvals')).toEqual({ name: 'approvals' });
    expect(parseRoute(missionHref('m:1.a'))).toEqual({ name: 'mission', id: 'm:1.a' });
    expect(parseRoute('#/nope')).toEqual({ name: 'not-found', path: '/nope' });
  });

  it('formats elapsed times', () => {
    expect(formatElapsed(12_400)).toBe('12s');
    expect(formatElapsed(187_000)).toBe('3m 07s');
    expect(formatElapsed(3_720_000)).toBe('1h 02m');
  });
});
