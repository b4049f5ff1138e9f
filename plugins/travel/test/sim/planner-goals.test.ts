import { describe, expect, it } from 'vitest';
import { connection } from '../../src/sim/demo-world.ts';
import { planFor } from '../../src/sim/planner.ts';
import { readTripGoal } from '../../src/sim/trip-goal.ts';
import { scheduleTrip } from '../../src/sim/trip-plan.ts';
import type { SimRequest } from '@aime/sim';

const REFERENCE = 'Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people under ¥300,000, taking the Shinkansen from Tokyo to Kyoto on day 2';

/** A planner request shaped like the commander's prompt (goal, budget with `now:`, table, news). */
function plannerRequest(goal: string, taskLines: string[] = [], news: string[] = [], progress = '(no tasks yet: make the plan)'): SimRequest {
  const user = [
    '## Goal', goal, '',
    '## Progress list', progress, '',
    '## Task table', ...(taskLines.length ? taskLines : ['(empty)']), '',
    '## New since your last step', ...(news.length ? news : ['(nothing new)']), '',
    '## Budget', 'planner step 1 of 40; tokens 0 of 1000000', 'now: 2026-11-29T00:00:00.000Z',
  ].join('\n');
  return { model: 'sim', messages: [{ role: 'system', content: 'planner' }, { role: 'user', content: user }], response_format: { type: 'json_schema', json_schema: { name: 'planner_output', schema: {} } } };
}

type Added = { id: string; title: string; description: string; completionCriteria: string; dependsOn: string[] };
const added = (ops: Array<Record<string, unknown>>): Added[] => ops.filter((o) => o.op === 'add').map((o) => o.task as Added);

describe('the route through the demo world', () => {
  it('stops over where no direct train or flight runs, and never routes a domestic trip abroad', () => {
    expect(connection('Seoul', 'Tokyo')).toEqual([]);
    expect(connection('Seoul', 'Kyoto')).toEqual(['Tokyo']);
    expect(connection('Kyoto', 'Seoul')).toEqual(['Osaka']);
    expect(connection('Kyoto', 'Tokyo')).toBeUndefined();
    expect(connection('Osaka', 'Tokyo')).toBeUndefined();
  });

  it('schedules the reference trip exactly as before: flight on day 1, Shinkansen on day 2, hotels in Tokyo and Kyoto', () => {
    const s = scheduleTrip(readTripGoal(REFERENCE)!);
    expect(s.ok && { legs: s.trip.legs, stays: s.trip.stays, days: s.trip.days }).toEqual({
      legs: [
        { from: 'Seoul', to: 'Tokyo', date: '2026-12-01', mode: 'flight', key: 'flight-seoul-tokyo' },
        { from: 'Tokyo', to: 'Kyoto', date: '2026-12-02', mode: 'train', key: 'train-tokyo-kyoto' },
      ],
      stays: [
        { city: 'Tokyo', checkIn: '2026-12-01', checkOut: '2026-12-02' },
        { city: 'Kyoto', checkIn: '2026-12-02', checkOut: '2026-12-04' },
      ],
      days: 4,
    });
  });

  it('spends the nights in every city of a list of places, and pins the Shinkansen to its day', () => {
    const visit = scheduleTrip(readTripGoal('Tokyo then Kyoto, 5 nights from 2026-12-03')!);
    expect(visit.ok && visit.trip.stays.map((s) => [s.city, s.checkIn, s.checkOut])).toEqual([
      ['Tokyo', '2026-12-03', '2026-12-05'],
      ['Kyoto', '2026-12-05', '2026-12-08'],
    ]);
    const pinned = scheduleTrip(readTripGoal('Tokyo then Kyoto, 5 nights from 2026-12-03, Shinkansen on day 5')!);
    expect(pinned.ok && pinned.trip.legs.map((l) => l.date)).toEqual(['2026-12-07']);
  });

  it('adds days when there are too few for a night in each city, and says so', () => {
    const s = scheduleTrip(readTripGoal('Seoul to Osaka, 2 days from 2026-12-01')!);
    expect(s.ok && s.trip.cities).toEqual(['Seoul', 'Tokyo', 'Kyoto', 'Osaka']);
    expect(s.ok && s.trip.days).toBe(4);
    expect(s.ok && s.trip.notes.join(' ')).toMatch(/too few/);
  });
});

describe('the sim planner on goals as people write them', () => {
  it('keeps the reference plan: the same task ids, and the budget handed to the itinerary task', () => {
    const tasks = added(planFor(plannerRequest(REFERENCE)).operations);
    expect(tasks.map((t) => t.id)).toEqual([
      'research', 'bookings', 'check-weather',
      'find-flight-seoul-tokyo', 'book-flight-seoul-tokyo', 'find-train-tokyo-kyoto', 'book-train-tokyo-kyoto',
      'find-hotel-tokyo', 'book-hotel-tokyo', 'find-hotel-kyoto', 'book-hotel-kyoto', 'itinerary',
    ]);
    const itinerary = tasks.find((t) => t.id === 'itinerary')!;
    expect(itinerary.description).toContain('The trip budget is ¥300,000 (300000 JPY)');
    expect(itinerary.completionCriteria).toContain('within the budget of ¥300,000');
  });

  it('plans a differently phrased trip with the party, dates and a dollar budget the goal states', () => {
    const tasks = added(planFor(plannerRequest('Tokyo then Kyoto, two adults, 3 nights from Dec 3 2026, budget $2,500')).operations);
    expect(tasks.find((t) => t.id === 'find-train-tokyo-kyoto')?.description).toMatch(/^Search trains from Tokyo to Kyoto on 2026-12-04 for 2 passengers/);
    expect(tasks.find((t) => t.id === 'find-hotel-tokyo')?.description).toMatch(/from 2026-12-03 to 2026-12-04 for 2 guests/);
    expect(tasks.find((t) => t.id === 'itinerary')?.description).toMatch(/budget is \$2,500 \(2500 USD\): convert it to JPY/);
  });

  it('dates a yearless start from the prompt\'s now: the next 5 January is in 2027', () => {
    const tasks = added(planFor(plannerRequest('Tokyo then Kyoto trip from Jan 5, 2 nights')).operations);
    expect(tasks.find((t) => t.id === 'find-hotel-tokyo')?.description).toMatch(/from 2027-01-05 to 2027-01-06/);
  });

  it('plans the local train Kyoto → Osaka without asking for a Shinkansen', () => {
    const tasks = added(planFor(plannerRequest('Seoul to Osaka trip, 5 nights from 2026-12-01')).operations);
    expect(tasks.find((t) => t.id === 'find-train-kyoto-osaka')?.description).toMatch(/Take the first train with enough seats/);
    expect(tasks.find((t) => t.id === 'find-train-tokyo-kyoto')?.description).toMatch(/Prefer the Shinkansen/);
  });

  it.each([
    ['Write a haiku about autumn', /only knows the offline travel demo/],
    ['Plan a trip to Paris and Rome', /found no city of the offline travel demo/],
    ['Kyoto then Tokyo, two adults, 3 nights from Dec 3 2026', /no train or flight from Kyoto to Tokyo/],
  ])('fails %j on the first step with an answer that says what the sim can do and how to use a real model', (goal, why) => {
    const plan = planFor(plannerRequest(goal));
    expect(plan.operations).toHaveLength(1);
    const finish = plan.operations[0] as { op: string; status: string; answer: string };
    expect(finish).toMatchObject({ op: 'finish', status: 'failed' });
    expect(finish.answer).toMatch(why);
    expect(finish.answer).toContain('Seoul, Tokyo, Kyoto, Osaka');
    expect(finish.answer).toContain('AIME_MODEL=openai:<model>');
    expect(finish.answer).toContain('OPENAI_API_KEY');
    expect(finish.answer).toContain('OPENAI_BASE_URL');
    expect(finish.answer).toContain('docs/models.md');
  });

  it('plans one task per named call, in order, each depending on the one before', () => {
    const goal = 'Call `stamp` with {"text":"a; then b"} then Call `note` with {"text":"x"};\nCall `stamp` with {"text":"c"}';
    const tasks = added(planFor(plannerRequest(goal)).operations);
    expect(tasks.map((t) => [t.id, t.dependsOn])).toEqual([
      ['call-stamp', []],
      ['call-note', ['call-stamp']],
      ['call-stamp-2', ['call-note']],
    ]);
    // Each description names its own call only, so the actor calls it once.
    expect(tasks.map((t) => t.description)).toEqual([
      'Call `stamp` with {"text":"a; then b"} and report its result.',
      'Call `note` with {"text":"x"} and report its result.',
      'Call `stamp` with {"text":"c"} and report its result.',
    ]);
  });

  it('answers a run of calls with every call, and a single call with its report', () => {
    const rows = [
      '- id: call-stamp; status: succeeded; depends on: -; attempts: 1; title: Call stamp; description: Call `stamp` with {"text":"a"} and report its result.',
      '- id: call-note; status: succeeded; depends on: call-stamp; attempts: 1; title: Call note; description: Call `note` with {"text":"b"} and report its result.',
    ];
    const news = ['- Report from task `call-note` (succeeded): Called note with {"text":"b"}. Result: {"result":"B"}'];
    const progress = [
      '- [x] **Call stamp** (`call-stamp`) — succeeded',
      '  - summary: Called stamp with {"text":"a"}. Result: {"result":"A"}',
      '- [x] **Call note** (`call-note`) — succeeded',
      '  - summary: Called note with {"text":"b"}. Result: {"result":"B"}',
    ].join('\n');
    const finish = planFor(plannerRequest('Call `stamp` with {"text":"a"} then Call `note` with {"text":"b"}', rows, news, progress)).operations[0] as { status: string; answer: string };
    expect(finish.status).toBe('succeeded');
    expect(finish.answer).toBe('All 2 calls ran in order (stamp, then note):\n\n1. Called stamp with {"text":"a"}. Result: {"result":"A"}\n2. Called note with {"text":"b"}. Result: {"result":"B"}');
  });

  it('ends the mission failed with the itinerary when it is over budget, instead of retrying it', () => {
    const rows = ['- id: itinerary; status: failed; depends on: -; attempts: 1; title: Assemble the itinerary; description: Assemble the final itinerary.'];
    const news = ['- Report from task `itinerary` (failed): # Itinerary', '  **Over budget:** the total ¥420,000 is ¥120,000 over the budget of ¥300,000.'];
    const finish = planFor(plannerRequest(REFERENCE, rows, news)).operations;
    expect(finish).toEqual([{ op: 'finish', status: 'failed', answer: '# Itinerary\n**Over budget:** the total ¥420,000 is ¥120,000 over the budget of ¥300,000.' }]);
  });
});
