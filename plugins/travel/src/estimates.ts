import type { ToolContext, ToolEstimate } from '@aime/plugin-sdk';
import { findFlight, findHotel, findTrain } from './catalogue.ts';
import { nightsOf } from './dates.ts';
import { tripBudget } from './mission-rules.ts';
import { convert, toJpy, type Money } from './money.ts';
import type { TravelWorld } from './world.ts';

/** The estimate of a booking at `price`: with what is left of the trip budget before it, when the mission has one. */
async function estimateOf(world: TravelWorld, ctx: ToolContext, price: Money, note: string): Promise<ToolEstimate> {
  const out: ToolEstimate = { amount: price.amount, currency: price.currency, note };
  const budget = tripBudget(ctx);
  if (budget) {
    const spentJpy = (await world.ledger(ctx.missionId)).spentJpy;
    out.budgetLeft = convert(convert(budget.amount, budget.currency, 'JPY') - spentJpy, 'JPY', budget.currency);
    out.budgetCurrency = budget.currency;
    if (price.currency !== budget.currency) out.note = `${note} (about ${convert(toJpy(price), 'JPY', budget.currency)} ${budget.currency})`;
  }
  return out;
}

/** What `book_train` would cost: the train's fare times the passengers. */
export async function estimateTrain(world: TravelWorld, input: { trainId: string; passengers: number }, ctx: ToolContext): Promise<ToolEstimate | undefined> {
  const t = findTrain(input.trainId);
  if (!t) return undefined;
  return estimateOf(world, ctx, { amount: t.price.amount * input.passengers, currency: t.price.currency }, `${input.passengers} × ${t.service} ${t.departs} ${t.from} → ${t.to}`);
}

/** What `book_flight` would cost: the fare times the passengers. */
export async function estimateFlight(world: TravelWorld, input: { flightId: string; passengers: number }, ctx: ToolContext): Promise<ToolEstimate | undefined> {
  const f = findFlight(input.flightId);
  if (!f) return undefined;
  return estimateOf(world, ctx, { amount: f.price.amount * input.passengers, currency: f.price.currency }, `${input.passengers} × ${f.code} ${f.from} → ${f.to}`);
}

/** What `book_hotel` would cost: the nightly rate times the rooms and nights. */
export async function estimateHotel(world: TravelWorld, input: { hotelId: string; checkIn: string; checkOut: string; rooms: number }, ctx: ToolContext): Promise<ToolEstimate | undefined> {
  const h = findHotel(input.hotelId);
  if (!h) return undefined;
  const nights = nightsOf(input.checkIn, input.checkOut).length;
  return estimateOf(world, ctx, { amount: h.nightly.amount * input.rooms * nights, currency: h.nightly.currency }, `${input.rooms} room(s) × ${nights} night(s) at ${h.name}`);
}
