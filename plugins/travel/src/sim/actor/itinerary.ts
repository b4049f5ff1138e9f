import type { SimAnswer } from '@aime/sim';
import { statedBudget, type IntentOf } from '../grammar.ts';
import { renderItinerary, type ItineraryLine } from './render.ts';
import { budgetJpy, type ActorCtx } from './request.ts';
import { currencyOf, isObj, num, parseJson, priceOf, records, str, type Obj } from './results.ts';
import { act, call, oneTool, report } from './steps.ts';

/**
 * The itinerary task: collect the bookings, convert foreign amounts (and a budget stated in
 * another currency) to JPY with the currency tool, then report the day-by-day itinerary with
 * its total against the budget. Over budget the task failed: the report says so first.
 */
export function assemble(ctx: ActorCtx, intent: IntentOf<'assemble'>): SimAnswer {
  return oneTool(ctx, 'get_bookings', {}, 'I will collect all bookings.', 'collect the bookings', (res) => {
    const bookings = records(res, ['bookings', 'items']).filter((b) => !/cancel/i.test(str(b, 'status') ?? ''));
    if (bookings.length === 0) return report(ctx, 'failed', 'There are no bookings to assemble an itinerary from.');
    const foreign = bookings.filter((b) => currencyOf(b) !== 'JPY' && priceOf(b) !== undefined);
    const conversions = ctx.calls.filter((c) => c.name === 'convert_currency' && c.result !== undefined);
    const summary = isObj(res) ? res : {};
    const toolBudget = isObj(summary.budget) ? num(summary.budget, 'amountJpy') : undefined;
    // The budget the task states, when the tool knows none (a goal's budget, not the mission context's).
    const stated = toolBudget === undefined ? (intent.budget ?? statedBudget(ctx.task)) : undefined;
    const toConvert = [...foreign.map((b) => ({ amount: priceOf(b)!, from: currencyOf(b) })), ...(stated && stated.currency !== 'JPY' ? [{ amount: stated.amount, from: stated.currency }] : [])];
    if (toConvert.length && conversions.length === 0 && ctx.tools.includes('convert_currency')) {
      return act(ctx, 'I will convert the foreign amounts to JPY.', toConvert.map((x) => call('convert_currency', { ...x, to: 'JPY' })));
    }
    const inJpy = (amount: number, currency: string): number | undefined => {
      if (currency === 'JPY') return amount;
      const conv = conversions.find((c) => isObj(c.args) && c.args.amount === amount && c.args.from === currency);
      const out = parseJson(conv?.result);
      return isObj(out) ? num(out, 'converted', 'convertedAmount', 'result', 'value', 'amountJpy') : typeof out === 'number' ? out : undefined;
    };
    const jpy = (b: Obj): number | undefined => {
      const p = priceOf(b);
      return p === undefined ? undefined : inJpy(p, currencyOf(b));
    };
    const dateOf = (b: Obj): string => (str(b, 'date', 'checkIn', 'departureDate', 'day', 'departure') ?? 'undated').slice(0, 10);
    const lines: ItineraryLine[] = [];
    let total = 0;
    const refs: string[] = [];
    for (const b of [...bookings].sort((a, c) => dateOf(a).localeCompare(dateOf(c)))) {
      const id = str(b, 'itemId', 'trainId', 'flightId', 'hotelId');
      const title = str(b, 'title', 'name');
      const ref = str(b, 'bookingRef', 'reference', 'ref', 'bookingId', 'id');
      if (ref) refs.push(`booking:${ref}`);
      const cost = jpy(b);
      if (cost !== undefined) total += cost;
      lines.push({
        day: dateOf(b),
        kind: str(b, 'kind', 'type', 'category') ?? 'booking',
        item: title && id ? `${title} (${id})` : (title ?? id ?? ''),
        route: str(b, 'from') && str(b, 'to') ? ` ${str(b, 'from')} → ${str(b, 'to')}` : str(b, 'city') ? ` in ${str(b, 'city')}` : '',
        stay: str(b, 'checkIn') && str(b, 'checkOut') ? ` (${str(b, 'checkIn')} to ${str(b, 'checkOut')})` : '',
        ...(ref ? { ref } : {}),
        ...(cost !== undefined ? { costJpy: cost } : {}),
      });
    }
    total = num(summary, 'totalJpy') ?? total;
    const budget = toolBudget ?? (stated ? inJpy(stated.amount, stated.currency) : undefined) ?? budgetJpy(ctx.system);
    const remaining = (isObj(summary.budget) ? num(summary.budget, 'remainingJpy') : undefined) ?? (budget !== undefined ? budget - total : undefined);
    const notices = Array.isArray(summary.notices) ? summary.notices.filter((n): n is string => typeof n === 'string') : [];
    const md = renderItinerary({
      lines,
      totalJpy: total,
      ...(budget !== undefined ? { budgetJpy: budget } : {}),
      ...(remaining !== undefined ? { remainingJpy: remaining } : {}),
      ...(stated ? { stated } : {}),
      notices,
    });
    const over = budget !== undefined && remaining !== undefined && remaining < 0;
    // Over budget the completion criteria are not met: say so, with the itinerary, as a failure.
    return report(ctx, over ? 'failed' : 'succeeded', md, refs, [{ name: 'itinerary.md', content: md, mimeType: 'text/markdown' }]);
  });
}
