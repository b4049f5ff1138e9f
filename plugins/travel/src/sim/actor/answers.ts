import type { SimAnswer } from '@aime/sim';
import type { IntentOf } from '../grammar.ts';
import { money, describeWeather } from './render.ts';
import { chosenReference, lastResult, type ActorCtx } from './request.ts';
import { arrivalOf, available, currencyOf, departureOf, errorText, idOf, isError, isObj, isRejected, moneyOf, parseJson, priceOf, records, rejectionNote, seatsOf, str, type Obj } from './results.ts';
import { act, call, oneTool, report, retryable } from './steps.ts';

/** The travel actor's answer per intent: search, choose, book, forecast, call a named tool. */

export function searchFlights(ctx: ActorCtx, i: IntentOf<'search-flights'>): SimAnswer {
  const what = `search flights from ${i.from} to ${i.to} on ${i.date}`;
  return oneTool(ctx, 'search_flights', { from: i.from, to: i.to, date: i.date }, `I will ${what}.`, what, (res) => {
    const excluded = new Set(i.exclude.map((e) => e.toUpperCase()));
    const ok = records(res, ['flights', 'results', 'options'])
      .filter((f) => idOf(f, 'flight') && !excluded.has(idOf(f, 'flight')!.toUpperCase()) && available(f, i.passengers))
      .sort((a, b) => (priceOf(a) ?? Infinity) - (priceOf(b) ?? Infinity));
    const best = ok[0];
    if (!best) return report(ctx, 'failed', `No flight from ${i.from} to ${i.to} on ${i.date} has ${i.passengers} seats available.`);
    const id = idOf(best, 'flight')!;
    const airline = str(best, 'airline', 'carrier', 'name');
    return report(
      ctx,
      'succeeded',
      `Cheapest available flight from ${i.from} to ${i.to} on ${i.date}: ${id}${airline ? ` (${airline})` : ''}, departs ${departureOf(best) ?? '?'}, arrives ${arrivalOf(best) ?? '?'}, ${money(priceOf(best), currencyOf(best))} per passenger.`,
      [`flight:${id}`],
    );
  });
}

export function searchTrains(ctx: ActorCtx, i: IntentOf<'search-trains'>): SimAnswer {
  const what = `search trains from ${i.from} to ${i.to} on ${i.date}`;
  const args = { from: i.from, to: i.to, date: i.date, ...(i.after ? { after: i.after } : {}) };
  return oneTool(ctx, 'search_trains', args, `I will ${what}${i.after ? ` after ${i.after}` : ''}.`, what, (res) => {
    const excluded = new Set(i.exclude.map((e) => e.toUpperCase()));
    const ok = records(res, ['trains', 'results', 'options']).filter((t) => {
      const id = idOf(t, 'train');
      return id && !excluded.has(id.toUpperCase()) && available(t, i.passengers);
    });
    const label = (t: Obj): string => `${idOf(t, 'train')} ${str(t, 'name', 'service', 'type', 'train', 'line') ?? ''}`;
    const best = i.anyTrain ? ok[0] : (ok.find((t) => /nozomi/i.test(label(t))) ?? ok.find((t) => /hikari/i.test(label(t))));
    if (!best && i.anyTrain) return report(ctx, 'failed', `No train from ${i.from} to ${i.to} on ${i.date}${i.after ? ` after ${i.after}` : ''} has ${i.passengers} seats available.`);
    if (!best) {
      const after = i.after ? ` after ${i.after}` : '';
      const ex = i.exclude.length ? ` (excluding ${i.exclude.join(', ')})` : '';
      return report(ctx, 'failed', `No Nozomi or Hikari Shinkansen from ${i.from} to ${i.to} on ${i.date}${after} has ${i.passengers} seats available${ex}.`);
    }
    const id = idOf(best, 'train')!;
    const seats = seatsOf(best);
    return report(
      ctx,
      'succeeded',
      `Chosen train from ${i.from} to ${i.to} on ${i.date}: ${id}${str(best, 'name', 'service') ? ` (${str(best, 'name', 'service')})` : ''}, departs ${departureOf(best) ?? '?'}, arrives ${arrivalOf(best) ?? '?'}, ${money(priceOf(best), currencyOf(best))} per passenger${seats !== undefined ? `, ${seats} seats left` : ''}.`,
      [`train:${id}`],
    );
  });
}

export function searchHotels(ctx: ActorCtx, i: IntentOf<'search-hotels'>): SimAnswer {
  const what = `search hotels in ${i.city} from ${i.checkIn} to ${i.checkOut}`;
  return oneTool(ctx, 'search_hotels', { city: i.city, checkIn: i.checkIn, checkOut: i.checkOut }, `I will ${what}.`, what, (res) => {
    const ok = records(res, ['hotels', 'results', 'options'])
      .filter((h) => idOf(h, 'hotel') && available(h, 1))
      .sort((a, b) => (priceOf(a) ?? Infinity) - (priceOf(b) ?? Infinity));
    const best = ok[0];
    if (!best) return report(ctx, 'failed', `No hotel in ${i.city} has rooms from ${i.checkIn} to ${i.checkOut}.`);
    const id = idOf(best, 'hotel')!;
    const name = str(best, 'name');
    const nightly = isObj(best.nightly) ? moneyOf({ price: best.nightly }) : undefined;
    const perNight = nightly ? ` (${money(nightly.amount, nightly.currency)} per night)` : '';
    return report(
      ctx,
      'succeeded',
      `Cheapest available hotel in ${i.city} from ${i.checkIn} to ${i.checkOut} for ${i.guests} guests: ${name ? `${name} ` : ''}(${id}), ${money(priceOf(best), currencyOf(best))} for the stay${perNight}.`,
      [`hotel:${id}`],
    );
  });
}

export function weather(ctx: ActorCtx, i: IntentOf<'weather'>): SimAnswer {
  if (!ctx.tools.includes('get_weather')) return report(ctx, 'blocked', 'I cannot check the weather: the tool get_weather is not available to me.');
  const results = ctx.calls.filter((c) => c.name === 'get_weather' && c.result !== undefined);
  if (results.length === 0) {
    return act(ctx, `I will check the weather for ${i.places.length} day(s).`, i.places.map((p) => call('get_weather', { city: p.city, date: p.date })));
  }
  const lines = results.map((c) => {
    const a = isObj(c.args) ? c.args : {};
    const where = `${str(a, 'city') ?? '?'} on ${str(a, 'date') ?? '?'}`;
    return isError(c.result!) ? `${where}: unavailable (${errorText(c.result!)})` : `${where}: ${describeWeather(parseJson(c.result) ?? c.result)}`;
  });
  const allFailed = results.every((c) => isError(c.result!));
  return report(ctx, allFailed ? 'failed' : 'succeeded', `Weather forecast. ${lines.join('; ')}.`);
}

export function book(ctx: ActorCtx, i: IntentOf<'book'>): SimAnswer {
  const id = chosenReference(ctx.system, i.fromTask, i.what);
  if (!id) return report(ctx, 'failed', `Could not find the ${i.what} chosen by task ${i.fromTask}: its report has no ${i.what}:<id> reference.`);
  const tool = `book_${i.what}`;
  const args =
    i.what === 'hotel'
      ? { hotelId: id, checkIn: i.checkIn, checkOut: i.checkOut, rooms: i.rooms }
      : i.what === 'train'
        ? { trainId: id, passengers: i.passengers }
        : { flightId: id, passengers: i.passengers };
  if (!ctx.tools.includes(tool)) return report(ctx, 'blocked', `I cannot book ${id}: the tool ${tool} is not available to me.`, [`${i.what}:${id}`]);
  const past = lastResult(ctx, tool);
  if (!past?.result) return act(ctx, `I will book ${i.what} ${id}.`, [call(tool, args)]);
  if (isRejected(past.result)) {
    // A human said no: not a glitch to retry, and not for the actor to work around.
    const why = rejectionNote(past.result);
    return report(ctx, 'blocked', `The booking of ${i.what} ${id} was rejected by the operator${why ? `: ${why}` : ''}. It was not booked.`, [`${i.what}:${id}`]);
  }
  if (isError(past.result)) {
    if (retryable(ctx, tool, past.result)) return act(ctx, `Retrying ${tool}.`, [call(tool, args)]);
    const next = i.what === 'train' ? 'A later train is needed.' : i.what === 'flight' ? 'Another flight is needed.' : 'Another hotel is needed.';
    return report(ctx, 'failed', `Could not book ${id}: ${errorText(past.result)}. ${next}`, [`${i.what}:${id}`]);
  }
  const res = parseJson(past.result);
  const booking = isObj(res) && isObj(res.booking) ? res.booking : isObj(res) ? res : {};
  const ref = str(booking, 'bookingRef', 'reference', 'ref', 'bookingId', 'confirmation', 'id') ?? `${i.what}-${id}`;
  const price = priceOf(booking);
  const who = i.what === 'hotel' ? `${i.rooms} room(s) from ${i.checkIn} to ${i.checkOut}` : `${i.passengers} passenger(s)`;
  const note = str(booking, 'message');
  return report(
    ctx,
    'succeeded',
    `Booked ${i.what} ${id} for ${who}: booking ${ref}${price !== undefined ? `, total ${money(price, currencyOf(booking))}` : ''}.${note ? ` ${note}` : ''}`,
    [`booking:${ref}`, `${i.what}:${id}`],
  );
}

/** A named tool called with the given arguments; the report quotes its result. */
export function callTool(ctx: ActorCtx, i: IntentOf<'call'>): SimAnswer {
  const what = `call ${i.tool}`;
  return oneTool(ctx, i.tool, i.args, `I will call ${i.tool} with ${JSON.stringify(i.args)}.`, what, (res) => {
    const text = typeof res === 'string' ? res : JSON.stringify(res);
    return report(ctx, 'succeeded', `Called ${i.tool} with ${JSON.stringify(i.args)}. Result: ${text.length > 1000 ? `${text.slice(0, 1000)}…` : text}`, [`tool:${i.tool}`]);
  });
}

/** A task the sim cannot read: it says so instead of reporting work it did not do. */
export function generic(ctx: ActorCtx): SimAnswer {
  if (!ctx.calls.some((c) => c.name === 'update_progress') && ctx.tools.includes('update_progress')) {
    return act(ctx, `Working on: ${ctx.title}.`, []);
  }
  // No placeholder success: the sim can only do what the demo world and named tool calls allow.
  return report(
    ctx,
    'failed',
    `The simulated model cannot do the task "${ctx.title}": it only works the offline travel demo (searching, booking and pricing trips) and tool calls named as "Call \`tool\` with {json}". Nothing was done. A real model (AIME_MODEL=openai:<model>) can work on it.`,
  );
}
