import { connection, routeMode, type DemoCity, type Mode } from './demo-world.ts';
import { budgetText, writeIntent } from './grammar.ts';
import { addDays, type Budget, type TripGoal } from './trip-goal.ts';

/**
 * Turns a read travel goal into the sim planner's first plan: the route through the demo
 * world (with stop-overs where no direct train or flight runs), the nights per city, then one
 * search and one booking per leg and stay, a weather check and the itinerary.
 */

export type Op = Record<string, unknown>;
export interface Plan {
  thought: string;
  operations: Op[];
}

export interface Leg {
  from: string;
  to: string;
  date: string;
  mode: Mode;
  key: string;
}

export interface Stay {
  city: DemoCity;
  checkIn: string;
  checkOut: string;
}

export interface TripSchedule {
  cities: DemoCity[];
  legs: Leg[];
  stays: Stay[];
  start: string;
  days: number;
  people: number;
  budget?: Budget;
  /** Trip day of the Tokyo → Kyoto Shinkansen, when the route takes it. */
  shinkansenDay?: number;
  /** Why the plan differs from the goal's words (stop-overs added, more days). */
  notes: string[];
}

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** `n` nights over `k` stays, at least one each, the remainder to the later ones. */
function spread(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => base + (i >= k - (n - base * k) ? 1 : 0));
}

/** The route, nights and dates of a trip, or why the demo world cannot serve it. */
export function scheduleTrip(goal: TripGoal): { ok: true; trip: TripSchedule } | { ok: false; reason: string } {
  const notes: string[] = [];
  const chain: DemoCity[] = [goal.cities[0]!];
  for (const next of goal.cities.slice(1)) {
    const from = chain[chain.length - 1]!;
    if (next === from) continue;
    const stops = connection(from, next);
    if (!stops) return { ok: false, reason: `The offline travel demo has no train or flight from ${from} to ${next}, not even with a stop-over, so the simulated model cannot plan this trip.` };
    if (stops.length) notes.push(`no direct ${from} → ${next}: stop over in ${stops.join(' and ')}`);
    chain.push(...stops, next);
  }
  const inner = goal.roundTrip ? chain.slice(0, -1) : chain;
  const twice = inner.find((c, i) => inner.indexOf(c) !== i);
  if (twice) return { ok: false, reason: `The route ${chain.join(' → ')} passes through ${twice} twice; the simulated model plans each city once.` };

  const departs = goal.departsFromFirst && chain.length > 1;
  const stayAt = chain.map((_, p) => !(departs && p === 0) && !(goal.roundTrip && p === chain.length - 1));
  const k = stayAt.filter(Boolean).length;
  let nights = goal.days !== undefined ? goal.days - 1 : k;
  if (nights < k) {
    if (goal.days !== undefined) notes.push(`${goal.days} day(s) are too few for a night in each of ${k} cities: planned ${k + 1} days`);
    nights = k;
  }
  // Nights per chain position; the Shinkansen leg pinned to its day when the goal names one.
  const t = chain.findIndex((c, p) => c === 'Tokyo' && chain[p + 1] === 'Kyoto');
  const per = new Array<number>(chain.length).fill(0);
  const positions = (pred: (p: number) => boolean) => chain.map((_, p) => p).filter((p) => stayAt[p] && pred(p));
  const before = t >= 0 ? positions((p) => p <= t) : [];
  if (t >= 0 && goal.shinkansenDay !== undefined && before.length > 0) {
    const after = positions((p) => p > t);
    const pinned = Math.min(Math.max(goal.shinkansenDay - 1, before.length), nights - after.length);
    if (pinned !== goal.shinkansenDay - 1) notes.push(`the Shinkansen cannot run on day ${goal.shinkansenDay} of this trip: planned on day ${pinned + 1}`);
    spread(pinned, before.length).forEach((n, i) => (per[before[i]!] = n));
    if (after.length) spread(nights - pinned, after.length).forEach((n, i) => (per[after[i]!] = n));
  } else {
    const all = positions(() => true);
    spread(nights, all.length).forEach((n, i) => (per[all[i]!] = n));
  }
  const offset = (p: number) => per.slice(0, p + 1).reduce((a, b) => a + b, 0);
  const legs: Leg[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const from = chain[i]!;
    const to = chain[i + 1]!;
    const mode = routeMode(from, to)!;
    legs.push({ from, to, date: addDays(goal.start, offset(i)), mode, key: `${mode}-${slug(from)}-${slug(to)}` });
  }
  const stays: Stay[] = [];
  chain.forEach((city, p) => {
    if (!stayAt[p]) return;
    const checkIn = addDays(goal.start, p === 0 ? 0 : offset(p - 1));
    stays.push({ city, checkIn, checkOut: addDays(checkIn, per[p]!) });
  });
  return {
    ok: true,
    trip: {
      cities: chain,
      legs,
      stays,
      start: goal.start,
      days: nights + 1,
      people: goal.people,
      ...(goal.budget ? { budget: goal.budget } : {}),
      ...(t >= 0 ? { shinkansenDay: offset(t) + 1 } : {}),
      notes,
    },
  };
}

export { budgetText };

export function task(id: string, parentId: string | undefined, title: string, description: string, criteria: string, dependsOn: string[] = []): Op {
  return { op: 'add', task: { id, ...(parentId ? { parentId } : {}), title, description, completionCriteria: criteria, dependsOn } };
}

/** The search task of a leg. Only Tokyo → Kyoto has a Shinkansen in the demo world; other lines run local trains. */
export function searchDescription(leg: Pick<Leg, 'from' | 'to' | 'date' | 'mode'>, people: number, after?: string, excluding: string[] = []): string {
  const search = { from: leg.from, to: leg.to, date: leg.date, passengers: people, ...(after ? { after } : {}), exclude: excluding };
  if (leg.mode === 'flight') return writeIntent({ kind: 'search-flights', ...search });
  const anyTrain = !(leg.from === 'Tokyo' && leg.to === 'Kyoto');
  return writeIntent({ kind: 'search-trains', ...search, ...(anyTrain ? { anyTrain } : {}) });
}

/** The first plan for a scheduled trip. Task ids are stable: tests and replanning rely on them. */
export function initialTripPlan(trip: TripSchedule): Plan {
  const rooms = Math.ceil(trip.people / 2);
  const ops: Op[] = [
    task('research', undefined, 'Research transport, hotels and weather', 'Find options for every leg and stay.', 'Every search task has chosen an option.'),
    task('bookings', undefined, 'Book the trip', 'Book every chosen option.', 'Every booking is confirmed with a reference.'),
  ];
  ops.push(task('check-weather', 'research', 'Check the weather', writeIntent({ kind: 'weather', places: trip.stays.map((s) => ({ city: s.city, date: s.checkIn })) }), 'A forecast for each city on its arrival day.'));
  const bookIds: string[] = [];
  for (const leg of trip.legs) {
    ops.push(task(`find-${leg.key}`, 'research', `Find a ${leg.mode} ${leg.from} → ${leg.to} on ${leg.date}`, searchDescription(leg, trip.people, leg.mode === 'train' ? '08:30' : undefined), `A ${leg.mode} with ${trip.people} free seats is chosen and named by its id.`));
    ops.push(task(`book-${leg.key}`, 'bookings', `Book the ${leg.mode} ${leg.from} → ${leg.to}`, writeIntent({ kind: 'book', what: leg.mode, fromTask: `find-${leg.key}`, passengers: trip.people }), 'A booking reference for the chosen one.', [`find-${leg.key}`]));
    bookIds.push(`book-${leg.key}`);
  }
  for (const s of trip.stays) {
    const id = `hotel-${slug(s.city)}`;
    ops.push(task(`find-${id}`, 'research', `Find a hotel in ${s.city}`, writeIntent({ kind: 'search-hotels', city: s.city, checkIn: s.checkIn, checkOut: s.checkOut, guests: trip.people }), 'An available hotel is chosen and named by its id.'));
    ops.push(task(`book-${id}`, 'bookings', `Book the hotel in ${s.city}`, writeIntent({ kind: 'book', what: 'hotel', fromTask: `find-${id}`, checkIn: s.checkIn, checkOut: s.checkOut, rooms }), 'A booking reference for the hotel.', [`find-${id}`]));
    bookIds.push(`book-${id}`);
  }
  // The budget travels with the task that can check it: the itinerary sees every price.
  ops.push(
    task(
      'itinerary',
      undefined,
      'Assemble the itinerary',
      writeIntent({ kind: 'assemble', ...(trip.budget ? { budget: trip.budget } : {}) }),
      `A day-by-day itinerary with every booking reference and the total cost within the budget${trip.budget ? ` of ${budgetText(trip.budget)}` : ''}.`,
      [...bookIds, 'check-weather'],
    ),
  );
  const route = trip.cities.join(' → ');
  const why = trip.notes.length ? ` (${trip.notes.join('; ')})` : '';
  return { thought: `Plan the ${trip.days}-day trip ${route} for ${trip.people}${why}: research every leg and stay in parallel, book each choice, then assemble the itinerary.`, operations: ops };
}
