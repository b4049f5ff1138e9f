import { z } from 'zod';
import { defineBundle, defineTool, ToolError, type BundleDefinition, type ToolContext, type ToolDefinition } from '@aime/plugin-sdk';
import { CITY_NAMES, FLIGHTS, TRAINS, resolveCity, type CityName } from './catalogue.ts';
import { IsoDate, TimeOfDay, daysBetween } from './dates.ts';
import { fireScheduled, syncWorldEvents, tripBudget } from './mission-rules.ts';
import { Currency, convert, formatMoney, type Money } from './money.ts';
import { forecast } from './weather.ts';
import type { BookOutcome, Booking, TravelWorld } from './world.ts';
import { estimateFlight, estimateHotel, estimateTrain } from './estimates.ts';

/** Longest hotel stay one booking may cover. */
export const MAX_NIGHTS = 14;

const City = z.string().min(1);

function city(input: string, field: string): CityName {
  const found = resolveCity(input);
  if (!found) throw new ToolError('unknown_city', `Unknown ${field} "${input}". Cities: ${CITY_NAMES.join(', ')} (airport codes ICN, GMP, HND, NRT, KIX, ITM also work).`);
  return found;
}

function routes(list: ReadonlyArray<{ from: CityName; to: CityName }>): string {
  return [...new Set(list.map((r) => `${r.from} → ${r.to}`))].join(', ');
}

/**
 * Wraps a tool's run so that outside events carrying disruptions reach the world before
 * the tool looks at it: every call, whatever the tool.
 */
function travelTool<I extends z.ZodType, O>(getWorld: () => TravelWorld, def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return defineTool({
    ...def,
    run: async (input, ctx) => {
      await syncWorldEvents(getWorld(), ctx);
      return def.run(input, ctx);
    },
  });
}

/** What a booking tool returns: the booking, and the budget left right after it. */
function bookingResult(outcome: BookOutcome, budget: Money | undefined) {
  const b: Booking = outcome.booking;
  const unit = `${b.quantity} ${b.unit}${b.quantity === 1 ? '' : 's'}`;
  const when = b.checkOut ? `${b.date} → ${b.checkOut}` : `${b.date} ${b.departs ?? ''}`.trim();
  let message = `Booked ${b.title}, ${when}, ${unit}: ${formatMoney(b.price.amount, b.price.currency)}${b.price.currency === 'JPY' ? '' : ` (${formatMoney(b.priceJpy, 'JPY')})`}. Reference ${b.bookingRef}.`;
  let budgetLeft: { amount: number; currency: Currency; spentJpy: number; remainingJpy: number; remaining: number } | undefined;
  if (budget) {
    const budgetJpy = convert(budget.amount, budget.currency, 'JPY');
    const remainingJpy = budgetJpy - b.spentAfterJpy;
    budgetLeft = { amount: budget.amount, currency: budget.currency, spentJpy: b.spentAfterJpy, remainingJpy, remaining: convert(remainingJpy, 'JPY', budget.currency) };
    message += ` ${formatMoney(remainingJpy, 'JPY')} of the trip budget is left.`;
  }
  // The booking is an external effect: declared, it lands in the mission's side-effect ledger.
  const effects = [{ kind: 'booking', reference: b.bookingRef, description: b.title, amount: b.price.amount, currency: b.price.currency, at: b.bookedAt }];
  return { ...b, duplicate: outcome.duplicate, message, ...(budgetLeft ? { budget: budgetLeft } : {}), effects };
}

async function beforeBooking(world: TravelWorld, ctx: ToolContext, itemId: string): Promise<Money | undefined> {
  const budget = tripBudget(ctx);
  await fireScheduled(world, ctx, 'before_booking', [itemId]);
  return budget;
}

/** The travel plugin's bundles, over the world `getWorld` returns once the plugin is set up. */
export function createTravelBundles(getWorld: () => TravelWorld): BundleDefinition[] {
  const trains = defineBundle({
    name: 'trains',
    description: 'Search and book trains in Japan: Shinkansen (Nozomi, Hikari) Tokyo → Kyoto and local trains Kyoto → Osaka.',
    tools: [
      travelTool(getWorld, {
        name: 'search_trains',
        description: `Lists the trains between two cities on a date with seats left and whether each is sold out. Routes: ${routes(TRAINS)}.`,
        input: z.object({
          from: City.describe('Departure city, e.g. Tokyo'),
          to: City.describe('Arrival city, e.g. Kyoto'),
          date: IsoDate.describe('Travel date, YYYY-MM-DD'),
          after: TimeOfDay.optional().describe('Only trains departing at or after this time, HH:MM (24-hour)'),
        }),
        sideEffects: 'none',
        run: async (input, ctx) => {
          const from = city(input.from, 'departure city');
          const to = city(input.to, 'arrival city');
          if (!TRAINS.some((t) => t.from === from && t.to === to)) {
            throw new ToolError('no_route', `No trains run from ${from} to ${to}. Train routes: ${routes(TRAINS)}. For ${routes(FLIGHTS)} use search_flights.`);
          }
          const list = await getWorld().searchTrains(ctx.missionId, { from, to, date: input.date, ...(input.after ? { after: input.after } : {}) });
          // After the answer is computed, so this search still shows the train available.
          await fireScheduled(getWorld(), ctx, 'after_search', list.map((t) => t.trainId));
          return { from, to, date: input.date, trains: list };
        },
      }),
      travelTool(getWorld, {
        name: 'book_train',
        description: 'Books seats on one train (trainId from search_trains). Spends trip budget; fails with a clear message if the train is sold out.',
        input: z.object({
          trainId: z.string().min(1).describe('Train id from search_trains, e.g. NOZOMI-0900-2026-12-02'),
          passengers: z.number().int().min(1).max(9).describe('Number of seats, 1..9'),
        }),
        sideEffects: 'external',
        estimate: (input, ctx) => estimateTrain(getWorld(), input, ctx),
        run: async (input, ctx) => {
          const world = getWorld();
          const budget = await beforeBooking(world, ctx, input.trainId);
          const outcome = await world.bookTrain(ctx.missionId, input, { idempotencyKey: ctx.idempotencyKey, ...(budget ? { budget } : {}) });
          return bookingResult(outcome, budget);
        },
      }),
    ],
  });

  const flights = defineBundle({
    name: 'flights',
    description: 'Search and book flights between Seoul, Tokyo and Osaka.',
    tools: [
      travelTool(getWorld, {
        name: 'search_flights',
        description: `Lists the flights between two cities on a date with prices, seats left, and whether each is sold out or cancelled. Routes: ${routes(FLIGHTS)}.`,
        input: z.object({
          from: City.describe('Departure city or airport code, e.g. Seoul or ICN'),
          to: City.describe('Arrival city or airport code, e.g. Tokyo or HND'),
          date: IsoDate.describe('Travel date, YYYY-MM-DD'),
        }),
        sideEffects: 'none',
        run: async (input, ctx) => {
          const from = city(input.from, 'departure city');
          const to = city(input.to, 'arrival city');
          if (!FLIGHTS.some((f) => f.from === from && f.to === to)) {
            throw new ToolError('no_route', `No flights from ${from} to ${to}. Flight routes: ${routes(FLIGHTS)}. For ${routes(TRAINS)} use search_trains.`);
          }
          const list = await getWorld().searchFlights(ctx.missionId, { from, to, date: input.date });
          await fireScheduled(getWorld(), ctx, 'after_search', list.map((f) => f.flightId));
          return { from, to, date: input.date, flights: list };
        },
      }),
      travelTool(getWorld, {
        name: 'book_flight',
        description: 'Books seats on one flight (flightId from search_flights). Spends trip budget; fails with a clear message if the flight is cancelled or sold out.',
        input: z.object({
          flightId: z.string().min(1).describe('Flight id from search_flights, e.g. KE-703-2026-12-01'),
          passengers: z.number().int().min(1).max(9).describe('Number of seats, 1..9'),
        }),
        sideEffects: 'external',
        estimate: (input, ctx) => estimateFlight(getWorld(), input, ctx),
        run: async (input, ctx) => {
          const world = getWorld();
          const budget = await beforeBooking(world, ctx, input.flightId);
          const outcome = await world.bookFlight(ctx.missionId, input, { idempotencyKey: ctx.idempotencyKey, ...(budget ? { budget } : {}) });
          return bookingResult(outcome, budget);
        },
      }),
    ],
  });

  const stayFields = { checkIn: IsoDate.describe('First night, YYYY-MM-DD'), checkOut: IsoDate.describe('Departure day, YYYY-MM-DD (after checkIn)') };
  /** A refinement, not `.and()`, so the input stays one JSON object (what models send). */
  const checkStay = (s: { checkIn: string; checkOut: string }, refine: z.RefinementCtx) => {
    const nights = daysBetween(s.checkIn, s.checkOut);
    if (nights < 1) refine.addIssue({ code: 'custom', message: 'checkOut must be at least one day after checkIn', path: ['checkOut'] });
    if (nights > MAX_NIGHTS) refine.addIssue({ code: 'custom', message: `a stay is at most ${MAX_NIGHTS} nights`, path: ['checkOut'] });
  };

  const hotels = defineBundle({
    name: 'hotels',
    description: 'Search and book hotels in Seoul, Tokyo, Kyoto and Osaka.',
    tools: [
      travelTool(getWorld, {
        name: 'search_hotels',
        description: 'Lists hotels in a city for a stay, cheapest first, with the nightly price, the total for the stay and rooms left.',
        input: z.object({ city: City.describe('City, e.g. Kyoto'), ...stayFields }).superRefine(checkStay),
        sideEffects: 'none',
        run: async (input, ctx) => {
          const where = city(input.city, 'city');
          return { city: where, checkIn: input.checkIn, checkOut: input.checkOut, hotels: await getWorld().searchHotels(ctx.missionId, { city: where, checkIn: input.checkIn, checkOut: input.checkOut }) };
        },
      }),
      travelTool(getWorld, {
        name: 'book_hotel',
        description: 'Books rooms in one hotel (hotelId from search_hotels) for every night from checkIn to checkOut. Spends trip budget.',
        input: z.object({ hotelId: z.string().min(1).describe('Hotel id from search_hotels, e.g. kyoto-station-hotel'), ...stayFields, rooms: z.number().int().min(1).max(5).describe('Number of rooms, 1..5') }).superRefine(checkStay),
        sideEffects: 'external',
        estimate: (input, ctx) => estimateHotel(getWorld(), input, ctx),
        run: async (input, ctx) => {
          const world = getWorld();
          const budget = await beforeBooking(world, ctx, input.hotelId);
          const outcome = await world.bookHotel(ctx.missionId, input, { idempotencyKey: ctx.idempotencyKey, ...(budget ? { budget } : {}) });
          return bookingResult(outcome, budget);
        },
      }),
    ],
  });

  const weather = defineBundle({
    name: 'weather',
    description: 'Weather forecasts for Seoul, Tokyo, Kyoto and Osaka.',
    tools: [
      travelTool(getWorld, {
        name: 'get_weather',
        description: 'The forecast for a city on a date: condition, low/high in °C and chance of precipitation.',
        input: z.object({ city: City.describe('City, e.g. Kyoto'), date: IsoDate.describe('Date, YYYY-MM-DD') }),
        sideEffects: 'none',
        run: (input) => forecast(city(input.city, 'city'), input.date),
      }),
    ],
  });

  const currency = defineBundle({
    name: 'currency',
    description: 'Currency conversion between JPY, KRW, USD and EUR at fixed rates.',
    tools: [
      travelTool(getWorld, {
        name: 'convert_currency',
        description: 'Converts an amount between JPY, KRW, USD and EUR at the fixed rates of this world.',
        input: z.object({
          amount: z.number().nonnegative().describe('Amount to convert'),
          from: Currency.describe('Currency of the amount'),
          to: Currency.describe('Currency to convert into'),
        }),
        sideEffects: 'none',
        run: (input) => {
          const result = convert(input.amount, input.from, input.to);
          return { amount: input.amount, from: input.from, to: input.to, result, rate: convert(1_000_000, input.from, input.to) / 1_000_000, text: `${formatMoney(input.amount, input.from)} = ${formatMoney(result, input.to)}` };
        },
      }),
    ],
  });

  const itinerary = defineBundle({
    name: 'itinerary',
    description: 'What this mission has booked so far, with totals and budget, to assemble the final itinerary.',
    tools: [
      travelTool(getWorld, {
        name: 'get_bookings',
        description: 'Every booking of this mission in booking order with totals in JPY, the budget left, and disruptions that hit the trip (cancelled flights are refunded and marked cancelled).',
        input: z.object({}),
        sideEffects: 'none',
        run: async (_input, ctx) => {
          const budget = tripBudget(ctx);
          const ledger = await getWorld().ledger(ctx.missionId);
          const confirmed = ledger.bookings.filter((b) => b.status === 'confirmed');
          const totalJpy = confirmed.reduce((sum, b) => sum + b.priceJpy, 0);
          const byKind = { train: 0, flight: 0, hotel: 0 };
          for (const b of confirmed) byKind[b.kind] += b.priceJpy;
          const notices = ledger.bookings
            .filter((b) => b.status === 'cancelled')
            .map((b) => `${b.title} on ${b.date} (${b.bookingRef}) was cancelled by the airline and refunded; book another flight.`);
          return {
            bookings: ledger.bookings,
            count: confirmed.length,
            totalJpy,
            totalsJpy: byKind,
            ...(budget ? { budget: { amount: budget.amount, currency: budget.currency, amountJpy: convert(budget.amount, budget.currency, 'JPY'), remainingJpy: convert(budget.amount, budget.currency, 'JPY') - ledger.spentJpy } } : {}),
            disruptions: ledger.disruptions.map(({ kind, itemId, at }) => ({ kind, itemId, at })),
            notices,
          };
        },
      }),
    ],
  });

  return [trains, flights, hotels, weather, currency, itinerary];
}
