import { describe, expect, it } from 'vitest';
import {
  CreateMissionRequest,
  Event,
  EVENT_SCHEMA_VERSION,
  InboxItem,
  PlannerOutput,
  compareEventIds,
  isKnownEvent,
  parseEvent,
} from '../src/index.ts';

const base = { id: '1700000000000-0', missionId: 'm_1', ts: '2026-11-29T00:00:00.000Z' };

describe('events', () => {
  it('parses a known event and fills the schema version', () => {
    const e = parseEvent({ ...base, type: 'actor.progress', taskId: 't1', data: { status: 'working', message: 'searching trains' } });
    expect(isKnownEvent(e)).toBe(true);
    expect(e.v).toBe(EVENT_SCHEMA_VERSION);
    expect(e.type).toBe('actor.progress');
  });

  it('keeps an event of an unknown type from a newer peer as a generic event', () => {
    const e = parseEvent({ ...base, v: 2, type: 'actor.thinking', data: { depth: 3 } });
    expect(isKnownEvent(e)).toBe(false);
    expect(e).toMatchObject({ type: 'actor.thinking', data: { depth: 3 }, generic: true, v: 2 });
    expect(Event.safeParse(e).success).toBe(true);
  });

  it('rejects a known event type whose data does not match its schema', () => {
    expect(() => parseEvent({ ...base, type: 'mission.status', data: { from: 'running', to: 'exploded' } })).toThrow();
  });

  it('rejects an event without an envelope', () => {
    expect(() => parseEvent({ type: 'usage', data: {} })).toThrow();
  });

  it('orders stream ids numerically, not as strings', () => {
    expect(compareEventIds('999-0', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('1000-10', '1000-9')).toBeGreaterThan(0);
    expect(compareEventIds('1000-1', '1000-1')).toBe(0);
    const ids = ['1700000000010-0', '1700000000002-5', '1700000000002-12'];
    expect([...ids].sort(compareEventIds)).toEqual(['1700000000002-5', '1700000000002-12', '1700000000010-0']);
  });
});

describe('requests and planner output', () => {
  it('refuses an empty goal and a parallelism outside 1..64, naming the field', () => {
    const r = CreateMissionRequest.safeParse({ goal: '  ', budget: { maxParallelActors: 0 } });
    expect(r.success).toBe(false);
    const paths = r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['goal', 'budget.maxParallelActors']));
  });

  it('accepts the planner operations of the contract and refuses an unknown one', () => {
    expect(PlannerOutput.safeParse({ thought: 't', operations: [{ op: 'add', task: { id: 'a', title: 'A' } }, { op: 'dispatch', id: 'a' }] }).success).toBe(true);
    expect(PlannerOutput.safeParse({ operations: [{ op: 'explode', id: 'a' }] }).success).toBe(false);
  });

  it('refuses ids that would break a Redis hash tag', () => {
    expect(PlannerOutput.safeParse({ operations: [{ op: 'remove', id: 'a{b}' }] }).success).toBe(false);
  });

  it('parses inbox items by kind', () => {
    expect(InboxItem.parse({ kind: 'report', eventId: '1-0', taskId: 't' })).toMatchObject({ kind: 'report' });
    expect(InboxItem.safeParse({ kind: 'report', eventId: '1-0' }).success).toBe(false);
  });
});
