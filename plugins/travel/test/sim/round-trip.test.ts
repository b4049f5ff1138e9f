import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIntent, planFor, taskIntent, writeIntent, type Intent } from '../../src/sim/index.ts';
import type { SimRequest } from '@aime/sim';

/**
 * What the sim planner writes, the sim actor reads back: the two sides of one grammar. These
 * properties hold them together for any value, not only the reference trip.
 */

const city = fc.stringMatching(/^[A-Z][a-z]{2,11}$/).filter((c) => !/^(?:And|In|On|To|From|For)$/.test(c));
const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const count = fc.integer({ min: 1, max: 9 });
const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const itemId = fc.stringMatching(/^[A-Z]{2,8}-\d{3,4}(?:-\d{4}-\d{2}-\d{2})?$/);
const taskId = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/);
const toolName = fc.stringMatching(/^[a-z][a-z0-9_]{0,30}$/);
const budget = fc.record({ amount: fc.integer({ min: 1, max: 10_000_000 }), currency: fc.constantFrom('JPY', 'KRW', 'USD', 'EUR') });
/** Text with runs of spaces, tabs and new lines: a description must carry it unchanged. */
const spacey = fc.stringMatching(/^[a-z \t\n]{0,12}$/);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const intent: fc.Arbitrary<Intent> = fc.oneof(
  fc.record({ from: city, to: city, date, passengers: count, after: opt(time), exclude: fc.array(itemId, { maxLength: 3 }) }).map((i) => defined({ kind: 'search-flights' as const, ...i })),
  fc
    .record({ from: city, to: city, date, passengers: count, after: opt(time), exclude: fc.array(itemId, { maxLength: 3 }), anyTrain: opt(fc.constant(true as const)) })
    .map((i) => defined({ kind: 'search-trains' as const, ...i })),
  fc.record({ city, checkIn: date, checkOut: date, guests: count }).map((i) => ({ kind: 'search-hotels' as const, ...i })),
  fc.array(fc.record({ city, date }), { minLength: 1, maxLength: 4 }).map((places) => ({ kind: 'weather' as const, places })),
  fc.record({ what: fc.constantFrom('flight' as const, 'train' as const), fromTask: taskId, passengers: count }).map((i) => ({ kind: 'book' as const, ...i })),
  fc.record({ fromTask: taskId, checkIn: date, checkOut: date, rooms: count }).map((i) => ({ kind: 'book' as const, what: 'hotel' as const, ...i })),
  opt(budget).map((b) => defined({ kind: 'assemble' as const, budget: b })),
  fc.record({ tool: toolName, args: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.jsonValue({ maxDepth: 2 }), spacey)) }).map((i) => ({ kind: 'call' as const, ...i })),
);

/** JSON's view of a value (-0 is 0 there), which is all a task description can carry. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('the travel grammar round-trips', () => {
  it('parseIntent(writeIntent(i)) gives i back for every intent the planner can write', () => {
    fc.assert(
      fc.property(intent, (i) => {
        expect(parseIntent(writeIntent(i))).toEqual(asJson(i));
      }),
      { numRuns: 500 },
    );
  });

  it('the actor reads the same intent from the task section of its system prompt', () => {
    fc.assert(
      fc.property(intent, taskId, (i, id) => {
        const section = [`id: ${id}`, `title: ${writeIntent(i).slice(0, 40)}`, `description: ${writeIntent(i)}`, 'completion criteria: done.'].join('\n');
        expect(taskIntent(section)).toEqual(asJson(i));
      }),
      { numRuns: 300 },
    );
  });
});

const CITIES = ['Seoul', 'Tokyo', 'Kyoto', 'Osaka'] as const;

function firstPlan(goal: string): Array<{ id: string; description: string }> {
  const req: SimRequest = {
    model: 'sim',
    messages: [{ role: 'user', content: `## Goal\n${goal}\n\n## Progress list\n(no tasks yet: make the plan)\n\n## Task table\n(empty)\n\n## New since your last step\n(nothing new)` }],
    response_format: { type: 'json_schema', json_schema: { name: 'planner_output' } },
  };
  return planFor(req)
    .operations.filter((op) => op.op === 'add')
    .map((op) => op.task as { id: string; description: string });
}

describe("every task of the planner's trips is one the actor can act on", () => {
  it('for any route through the demo world, party size, start and length', () => {
    const trip = fc.record({
      cities: fc.uniqueArray(fc.constantFrom(...CITIES), { minLength: 2, maxLength: 4 }),
      people: fc.integer({ min: 1, max: 9 }),
      start: date,
      days: fc.integer({ min: 2, max: 10 }),
      budget: opt(fc.integer({ min: 50_000, max: 2_000_000 })),
    });
    fc.assert(
      fc.property(trip, (t) => {
        const goal = `Plan a ${t.days}-day trip ${t.cities.join(' → ')} from ${t.start} for ${t.people} people${t.budget ? ` under ¥${t.budget.toLocaleString('en-US')}` : ''}`;
        const tasks = firstPlan(goal);
        const leaves = tasks.filter((x) => !['research', 'bookings'].includes(x.id));
        for (const task of leaves) {
          const read = parseIntent(task.description);
          const expectedKind = task.id.startsWith('find-hotel') ? 'search-hotels' : task.id.startsWith('find-flight') ? 'search-flights' : task.id.startsWith('find-train') ? 'search-trains' : task.id.startsWith('book-') ? 'book' : task.id === 'check-weather' ? 'weather' : task.id === 'itinerary' ? 'assemble' : 'generic';
          expect(read.kind, `${task.id}: ${task.description}`).toBe(expectedKind);
          if (read.kind === 'search-flights' || read.kind === 'search-trains' || read.kind === 'book') expect(read.kind === 'book' && read.what === 'hotel' ? read.rooms : read.kind === 'book' ? read.passengers : read.passengers).toBe(read.kind === 'book' && read.what === 'hotel' ? Math.ceil(t.people / 2) : t.people);
          if (read.kind === 'book') expect(tasks.some((x) => x.id === read.fromTask)).toBe(true);
          if (read.kind === 'assemble' && t.budget) expect(read.budget).toEqual({ amount: t.budget, currency: 'JPY' });
        }
      }),
      { numRuns: 200 },
    );
  });
});
