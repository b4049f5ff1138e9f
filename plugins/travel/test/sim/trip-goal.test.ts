import { describe, expect, it } from 'vitest';
import { findDates, readTripGoal, type TripGoal } from '../../src/sim/trip-goal.ts';

const TODAY = '2026-11-29';
const REFERENCE = 'Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people under ¥300,000, taking the Shinkansen from Tokyo to Kyoto on day 2';

type Expect = Partial<TripGoal> & { noBudget?: true };

/** Phrasings people write, and what the sim planner must read from each. */
const TABLE: Array<[string, Expect]> = [
  [REFERENCE, { cities: ['Seoul', 'Tokyo', 'Kyoto'], departsFromFirst: true, start: '2026-12-01', days: 4, people: 2, shinkansenDay: 2, budget: { amount: 300_000, currency: 'JPY' } }],
  // cities and their order
  ['Tokyo then Kyoto, two adults, 3 nights from Dec 3 2026, budget $2,500', { cities: ['Tokyo', 'Kyoto'], departsFromFirst: false, start: '2026-12-03', days: 4, people: 2, budget: { amount: 2500, currency: 'USD' } }],
  ['Trip to Kyoto from Tokyo for 2 people', { cities: ['Tokyo', 'Kyoto'], departsFromFirst: true, people: 2 }],
  ['Seoul to Kyoto via Tokyo, 4 days', { cities: ['Seoul', 'Tokyo', 'Kyoto'], departsFromFirst: true, days: 4 }],
  ['Seoul to Osaka via Tokyo and Kyoto, a week', { cities: ['Seoul', 'Tokyo', 'Kyoto', 'Osaka'], days: 8 }],
  ['Seoul -> Tokyo -> Kyoto, 2 pax', { cities: ['Seoul', 'Tokyo', 'Kyoto'], departsFromFirst: true, people: 2 }],
  ['Seoul > Tokyo > Kyoto trip', { cities: ['Seoul', 'Tokyo', 'Kyoto'], departsFromFirst: true }],
  ['Tokyo – Kyoto – Osaka, 5 days', { cities: ['Tokyo', 'Kyoto', 'Osaka'], departsFromFirst: true, days: 5 }],
  ['Visit Tokyo and Kyoto for 5 days', { cities: ['Tokyo', 'Kyoto'], departsFromFirst: false, days: 5 }],
  ['A holiday in Tokyo, Kyoto and Osaka', { cities: ['Tokyo', 'Kyoto', 'Osaka'], departsFromFirst: false }],
  ['Fly from Seoul to Tokyo then take the train to Kyoto', { cities: ['Seoul', 'Tokyo', 'Kyoto'], departsFromFirst: true }],
  ['Fly ICN to HND, 3 nights in Tokyo', { cities: ['Seoul', 'Tokyo'], departsFromFirst: true, days: 4 }],
  ['Seoul to Tokyo and back, 5 days', { cities: ['Seoul', 'Tokyo', 'Seoul'], roundTrip: true, days: 5 }],
  ['From Seoul to Tokyo, returning to Seoul on the last day', { cities: ['Seoul', 'Tokyo', 'Seoul'], roundTrip: true }],
  ['3 nights in Kyoto for two', { cities: ['Kyoto'], departsFromFirst: false, days: 4, people: 2 }],
  // party size
  ['Tokyo then Kyoto trip for 3 people', { people: 3 }],
  ['Tokyo then Kyoto trip, four travellers', { people: 4 }],
  ['Tokyo then Kyoto trip for a couple', { people: 2 }],
  ['Me and my wife want a trip Tokyo then Kyoto', { people: 2 }],
  ['My husband and I: Tokyo then Kyoto trip', { people: 2 }],
  ['Family of four, Seoul → Tokyo', { people: 4 }],
  ['Solo trip Tokyo then Kyoto', { people: 1 }],
  ['Tokyo then Kyoto, 3 pax', { people: 3 }],
  ['Tokyo then Kyoto trip, 2 adults and 1 child', { people: 3 }],
  ['Tokyo then Kyoto trip', { people: 1, noBudget: true }],
  ['Seoul to Kyoto with my girlfriend, around $3000', { people: 2, budget: { amount: 3000, currency: 'USD' } }],
  ['Tokyo then Kyoto with my wife and two kids', { people: 4 }],
  ['Tokyo then Kyoto trip, 5 ppl', { people: 5 }],
  ['Tokyo then Kyoto trip for 4 days', { people: 1, days: 4 }],
  // dates
  ['Tokyo then Kyoto trip from 12/01/2026', { start: '2026-12-01' }],
  ['Tokyo then Kyoto trip starting 12/5', { start: '2026-12-05' }],
  ['Tokyo then Kyoto trip on December 1st, 2026', { start: '2026-12-01' }],
  ['Tokyo then Kyoto trip from 1 Dec 2026', { start: '2026-12-01' }],
  ['Tokyo then Kyoto trip from Dec 7', { start: '2026-12-07' }],
  ['Tokyo then Kyoto trip, leaving on the 2nd of December', { start: '2026-12-02' }],
  ['Tokyo then Kyoto trip in spring, from March 20', { start: '2027-03-20' }],
  ['Tokyo then Kyoto trip', { start: '2026-12-01' }],
  // lengths
  ['A 4-day trip Seoul → Tokyo', { days: 4 }],
  ['Seoul → Tokyo, 6 days', { days: 6 }],
  ['Seoul → Tokyo, five nights', { days: 6 }],
  ['Seoul → Tokyo for a long weekend', { days: 4 }],
  ['Seoul → Tokyo for the weekend', { days: 3 }],
  ['Seoul → Tokyo, two weeks', { days: 15 }],
  ['Seoul → Tokyo from Dec 1 to Dec 5 2026', { start: '2026-12-01', days: 5 }],
  ['Seoul → Tokyo', { noBudget: true }],
  ['Seoul → Tokyo → Kyoto, Dec 1-4 2026', { start: '2026-12-01', days: 4 }],
  ['Seoul-Tokyo-Kyōto, 1–5 December', { cities: ['Seoul', 'Tokyo', 'Kyoto'], departsFromFirst: true, start: '2026-12-01', days: 5 }],
  ['A weekend in Tokyo', { cities: ['Tokyo'], days: 3 }],
  // budgets
  ['Seoul → Tokyo trip, 300k yen', { budget: { amount: 300_000, currency: 'JPY' } }],
  ['Seoul → Tokyo trip, max ₩3,000,000', { budget: { amount: 3_000_000, currency: 'KRW' } }],
  ['Seoul → Tokyo trip for $2.5k', { budget: { amount: 2500, currency: 'USD' } }],
  ['Seoul → Tokyo trip, 2,500 USD in total', { budget: { amount: 2500, currency: 'USD' } }],
  ['Seoul → Tokyo trip under €2000', { budget: { amount: 2000, currency: 'EUR' } }],
  ['Seoul → Tokyo trip, budget 1800 euros', { budget: { amount: 1800, currency: 'EUR' } }],
  ['Seoul → Tokyo trip, budget of 2000 dollars', { budget: { amount: 2000, currency: 'USD' } }],
  ['Seoul → Tokyo trip, 3 million won', { budget: { amount: 3_000_000, currency: 'KRW' } }],
  ['Seoul → Tokyo trip, JPY 250,000', { budget: { amount: 250_000, currency: 'JPY' } }],
  ['Seoul → Tokyo trip, budget 200000', { budget: { amount: 200_000, currency: 'JPY' } }],
  ['Seoul → Tokyo trip, 250,000円', { budget: { amount: 250_000, currency: 'JPY' } }],
  // the Shinkansen day
  ['Seoul → Tokyo → Kyoto, 5 days, Shinkansen on day 3', { shinkansenDay: 3, days: 5 }],
  ['Seoul → Tokyo → Kyoto from Dec 1 2026, bullet train on Dec 3', { shinkansenDay: 3 }],
  ['Seoul → Tokyo → Kyoto, the Shinkansen on the second day', { shinkansenDay: 2 }],
];

describe('readTripGoal: goals as people write them', () => {
  it('has a table of at least 40 phrasings', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)('reads %j', (goal, want) => {
    const { noBudget, ...fields } = want;
    const got = readTripGoal(goal, { today: TODAY });
    expect(got).not.toBeNull();
    expect(got).toMatchObject(fields);
    if (noBudget) expect(got?.budget).toBeUndefined();
  });

  it.each([
    'Write a haiku about autumn',
    'Explain how Redis streams order entries',
    'Compare Tokyo and Kyoto as places to live',
    'Plan a trip to Paris and Rome',
  ])('reads no demo-world trip in %j', (goal) => {
    expect(readTripGoal(goal, { today: TODAY })).toBeNull();
  });

  it('dates a yearless day in the next year once it has passed this year', () => {
    expect(findDates('from Jan 5', '2026-11-29').map((d) => d.date)).toEqual(['2027-01-05']);
    expect(findDates('from Jan 5').map((d) => d.date)).toEqual(['2026-01-05']);
    expect(findDates('on 2026-02-30')).toEqual([]);
  });

  it('dates relative phrasings from the prompt\'s now', () => {
    const at = (text: string) => findDates(text, '2026-12-31').map((d) => d.date);
    expect(at('leaving tomorrow')).toEqual(['2027-01-01']);
    expect(at('the day after tomorrow')).toEqual(['2027-01-02']);
    expect(at('in 3 days')).toEqual(['2027-01-03']);
    expect(at('in two weeks')).toEqual(['2027-01-14']);
    expect(at('next week with my wife')).toEqual(['2027-01-07']);
    expect(at('next month')).toEqual(['2027-01-01']);
    expect(findDates('next week')).toEqual([]);
  });
});
