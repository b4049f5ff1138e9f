import type { SimAnswer, SimPolicy, SimRequest } from '../policy.ts';
import { leadingObject } from './call-goal.ts';
import { section } from './markdown.ts';

/** A marker in the actor's system prompt that makes it call a missing tool once (fault drill). */
export const UNKNOWN_TOOL_MARKER = '[[sim:unknown-tool-once]]';
const MISSING_TOOL = 'lookup_everything';

type Obj = Record<string, unknown>;
type Call = { name: string; arguments: unknown };
interface PastCall {
  name: string;
  args: unknown;
  result?: string;
}

type Intent =
  | { kind: 'search-flights'; from: string; to: string; date: string; passengers: number }
  | { kind: 'search-trains'; from: string; to: string; date: string; passengers: number; after?: string; exclude: string[]; anyTrain?: boolean }
  | { kind: 'search-hotels'; city: string; checkIn: string; checkOut: string; guests: number }
  | { kind: 'weather'; places: Array<{ city: string; date: string }> }
  | { kind: 'book'; what: 'flight' | 'train' | 'hotel'; fromTask: string; passengers: number; checkIn?: string; checkOut?: string; rooms: number }
  | { kind: 'assemble' }
  | { kind: 'call'; tool: string; args: Obj }
  | { kind: 'generic' };

const DATE = '(\\d{4}-\\d{2}-\\d{2})';
const TASK_ID = '([A-Za-z0-9_.:-]*[A-Za-z0-9_:-])';

// ---------- reading the request ----------


/** Every tool call the assistant made so far, with the tool's answer when there is one. */
function pastCalls(req: SimRequest): PastCall[] {
  const calls: Array<PastCall & { id: string }> = [];
  for (const m of req.messages) {
    if (m.role === 'assistant') {
      for (const tc of m.tool_calls ?? []) {
        let args: unknown = tc.function.arguments;
        try {
          args = JSON.parse(tc.function.arguments);
        } catch {
          // keep the raw text: the model wrote invalid JSON
        }
        calls.push({ id: tc.id, name: tc.function.name, args });
      }
    } else if (m.role === 'tool') {
      const call = calls.find((c) => c.id === m.tool_call_id);
      if (call) call.result = m.content;
    }
  }
  return calls;
}

export function parseIntent(taskText: string): Intent {
  const t = taskText.replace(/\s+/g, ' ');
  // Any plugin's tool: "Call `<tool>` with {json}".
  const generic = /\bCall `([a-zA-Z0-9_-]{1,64})` with (\{.*)$/i.exec(t);
  const args = generic ? leadingObject(generic[2]!) : undefined;
  if (generic && args) return { kind: 'call', tool: generic[1]!, args };
  let m = new RegExp(`Search flights from (.+?) to (.+?) on ${DATE} for (\\d+) passengers?`, 'i').exec(t);
  if (m) return { kind: 'search-flights', from: m[1]!, to: m[2]!, date: m[3]!, passengers: Number(m[4]) };
  m = new RegExp(`Search trains from (.+?) to (.+?) on ${DATE} for (\\d+) passengers?(?:, departing after (\\d{1,2}:\\d{2}))?(?:, excluding ([^.]+))?`, 'i').exec(t);
  if (m) {
    const exclude = (m[6] ?? '').split(/\s*,\s*|\s+and\s+/).map((s) => s.trim()).filter(Boolean);
    const anyTrain = /first train with enough seats/i.test(t);
    return { kind: 'search-trains', from: m[1]!, to: m[2]!, date: m[3]!, passengers: Number(m[4]), ...(m[5] ? { after: m[5] } : {}), exclude, ...(anyTrain ? { anyTrain } : {}) };
  }
  m = new RegExp(`Search hotels in (.+?) from ${DATE} to ${DATE} for (\\d+) guests?`, 'i').exec(t);
  if (m) return { kind: 'search-hotels', city: m[1]!, checkIn: m[2]!, checkOut: m[3]!, guests: Number(m[4]) };
  m = new RegExp(`Check the weather in (.+? on ${DATE}(?:(?:,\\s*|,?\\s+and\\s+)(?:in\\s+)?.+? on ${DATE})*)`, 'i').exec(t);
  if (m) {
    const places = [...m[1]!.matchAll(new RegExp(`(?:^|,\\s*|\\s+and\\s+)(?:in\\s+)?(.+?) on ${DATE}`, 'gi'))].map((p) => ({
      city: p[1]!.replace(/^(?:and|in)\s+/i, '').trim(),
      date: p[2]!,
    }));
    return { kind: 'weather', places };
  }
  m = new RegExp(`Book the (flight|train|hotel) chosen by task ${TASK_ID}(?: for (\\d+) passengers?)?(?: from ${DATE} to ${DATE})?(?:,\\s*(\\d+) rooms?)?`, 'i').exec(t);
  if (m) {
    return {
      kind: 'book',
      what: m[1]!.toLowerCase() as 'flight' | 'train' | 'hotel',
      fromTask: m[2]!,
      passengers: Number(m[3] ?? 1),
      ...(m[4] ? { checkIn: m[4] } : {}),
      ...(m[5] ? { checkOut: m[5] } : {}),
      rooms: Number(m[6] ?? 1),
    };
  }
  if (/Assemble the final itinerary/i.test(t)) return { kind: 'assemble' };
  return { kind: 'generic' };
}

// ---------- reading tool results tolerantly ----------

const isError = (text: string): boolean => /^\s*error\b/i.test(text);
/** The runtime's observation for a call an operator rejected (`Rejected by operator: <note>`). */
const isRejected = (text: string): boolean => /^\s*rejected by (?:the )?operator\b/i.test(text);
/** The error text without the `Error:` prefix and a leading `code:` tag, without a final period. */
function errorText(text: string): string {
  return text
    .replace(/^\s*error:?\s*/i, '')
    .replace(/^[a-z][a-z0-9_]*:\s+/, '')
    .trim()
    .replace(/\.$/, '');
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || isError(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The list of records in a result: the result itself, or its first array of objects. */
function records(v: unknown, keys: string[] = []): Obj[] {
  if (Array.isArray(v)) return v.filter(isObj);
  if (!isObj(v)) return [];
  for (const k of keys) if (Array.isArray(v[k])) return (v[k] as unknown[]).filter(isObj);
  for (const x of Object.values(v)) if (Array.isArray(x) && x.some(isObj)) return x.filter(isObj);
  return [];
}

function str(o: Obj, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string' && v) return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function num(o: Obj, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  }
  return undefined;
}

const idOf = (o: Obj, kind: string): string | undefined => str(o, 'id', `${kind}Id`, 'code', 'number');
/** A price: a `...Jpy` number, a plain number (in `currency`, else JPY) or a `{ amount, currency }` object. */
function moneyOf(o: Obj): { amount: number; currency: string } | undefined {
  for (const k of ['priceJpy', 'totalJpy', 'pricePerPersonJpy', 'pricePerNightJpy', 'fareJpy', 'amountJpy']) {
    const v = num(o, k);
    if (v !== undefined) return { amount: v, currency: 'JPY' };
  }
  for (const k of ['price', 'pricePerPerson', 'pricePerNight', 'fare', 'total', 'nightly', 'amount', 'cost']) {
    const v = o[k];
    if (typeof v === 'number') return { amount: v, currency: (str(o, 'currency') ?? 'JPY').toUpperCase() };
    if (isObj(v) && typeof v.amount === 'number') return { amount: v.amount, currency: String(v.currency ?? 'JPY').toUpperCase() };
  }
  return undefined;
}
const priceOf = (o: Obj): number | undefined => moneyOf(o)?.amount;
const currencyOf = (o: Obj): string => moneyOf(o)?.currency ?? 'JPY';
const departureOf = (o: Obj): string | undefined => str(o, 'departure', 'departs', 'departAt', 'departureTime', 'depart', 'departsAt');
const arrivalOf = (o: Obj): string | undefined => str(o, 'arrival', 'arrives', 'arriveAt', 'arrivalTime', 'arrive', 'arrivesAt');

function money(amount: number | undefined, currency = 'JPY'): string {
  if (amount === undefined) return 'price unknown';
  if (currency === 'JPY') return `¥${Math.round(amount).toLocaleString('en-US')}`;
  return `${amount.toLocaleString('en-US')} ${currency}`;
}

/** Whether a train, flight or hotel can still take `need` seats or rooms. */
function available(o: Obj, need: number): boolean {
  if (o.soldOut === true || o.sold_out === true || o.available === false || o.cancelled === true) return false;
  const status = str(o, 'status');
  if (status && /sold|cancel|full|unavailable/i.test(status)) return false;
  const left = num(o, 'seatsAvailable', 'availableSeats', 'seatsLeft', 'seats', 'roomsAvailable', 'availableRooms', 'roomsLeft', 'available');
  return left === undefined || left >= need;
}

// ---------- answering ----------

function call(name: string, args: unknown): Call {
  return { name, arguments: args };
}

interface Ctx {
  req: SimRequest;
  system: string;
  title: string;
  /** The task section of the prompt (id, title, description, completion criteria). */
  task: string;
  calls: PastCall[];
  tools: string[];
}

/** One step: the progress update first on the first step, then the calls. */
function act(ctx: Ctx, thought: string, calls: Call[]): SimAnswer {
  const first = !ctx.calls.some((c) => c.name === 'update_progress') && ctx.tools.includes('update_progress');
  const pre = first ? [call('update_progress', { status: 'in_progress', message: `Working on: ${ctx.title}` })] : [];
  return { content: thought, toolCalls: [...pre, ...calls] };
}

function report(
  ctx: Ctx,
  status: 'succeeded' | 'failed' | 'blocked',
  summary: string,
  references: string[] = [],
  artifacts?: Array<{ name: string; content: string; mimeType: string }>,
): SimAnswer {
  return act(ctx, `Reporting: ${status}.`, [call('submit_report', { status, summary, references, ...(artifacts ? { artifacts } : {}) })]);
}

/** The latest answered call of a tool. */
const lastResult = (ctx: Ctx, name: string): PastCall | undefined => [...ctx.calls].reverse().find((c) => c.name === name && c.result !== undefined);

/** A malformed or misrouted call is worth one more try; a real refusal is not. */
function retryable(ctx: Ctx, name: string, result: string): boolean {
  return /invalid|unknown tool|malformed|timed? ?out|temporar/i.test(result) && ctx.calls.filter((c) => c.name === name).length < 2;
}

/** A human said no: not a glitch to retry, and no success either. The planner gives the task up. */
function rejected(ctx: Ctx, what: string, observation: string): SimAnswer {
  const why = observation.replace(/^\s*rejected by (?:the )?operator:?\s*/i, '').trim().replace(/\.$/, '');
  return report(ctx, 'blocked', `The operator rejected the call, so I did not ${what}: rejected by the operator${why ? `: ${why}` : ''}.`);
}

/** Calls `tool` unless it is already answered; then hands its result to `done`. Failed calls end in a failed report. */
function oneTool(ctx: Ctx, tool: string, args: unknown, thought: string, what: string, done: (value: unknown) => SimAnswer): SimAnswer {
  if (!ctx.tools.includes(tool)) return report(ctx, 'blocked', `I cannot ${what}: the tool ${tool} is not available to me.`);
  const past = lastResult(ctx, tool);
  if (!past?.result) return act(ctx, thought, [call(tool, args)]);
  if (isRejected(past.result)) return rejected(ctx, what, past.result);
  if (isError(past.result)) {
    if (retryable(ctx, tool, past.result)) return act(ctx, `Retrying ${tool}.`, [call(tool, args)]);
    return report(ctx, 'failed', `Could not ${what}: ${errorText(past.result)}.`);
  }
  return done(parseJson(past.result) ?? past.result);
}

function searchFlights(ctx: Ctx, i: Extract<Intent, { kind: 'search-flights' }>): SimAnswer {
  const what = `search flights from ${i.from} to ${i.to} on ${i.date}`;
  return oneTool(ctx, 'search_flights', { from: i.from, to: i.to, date: i.date }, `I will ${what}.`, what, (res) => {
    const ok = records(res, ['flights', 'results', 'options'])
      .filter((f) => idOf(f, 'flight') && available(f, i.passengers))
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

function searchTrains(ctx: Ctx, i: Extract<Intent, { kind: 'search-trains' }>): SimAnswer {
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
    const seats = num(best, 'seatsAvailable', 'availableSeats', 'seatsLeft', 'seats');
    return report(
      ctx,
      'succeeded',
      `Chosen train from ${i.from} to ${i.to} on ${i.date}: ${id}${str(best, 'name', 'service') ? ` (${str(best, 'name', 'service')})` : ''}, departs ${departureOf(best) ?? '?'}, arrives ${arrivalOf(best) ?? '?'}, ${money(priceOf(best), currencyOf(best))} per passenger${seats !== undefined ? `, ${seats} seats left` : ''}.`,
      [`train:${id}`],
    );
  });
}

function searchHotels(ctx: Ctx, i: Extract<Intent, { kind: 'search-hotels' }>): SimAnswer {
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

function describeWeather(v: unknown): string {
  if (!isObj(v)) return String(v);
  const cond = str(v, 'condition', 'summary', 'forecast', 'description', 'conditions', 'weather');
  const hi = num(v, 'highC', 'tempHighC', 'maxC', 'high', 'tempMax', 'max');
  const lo = num(v, 'lowC', 'tempLowC', 'minC', 'low', 'tempMin', 'min');
  const rain = num(v, 'precipitationChance', 'rainChance', 'precipChance', 'chanceOfRain', 'precipitation');
  const parts = [cond, lo !== undefined && hi !== undefined ? `${lo}–${hi}°C` : hi !== undefined ? `up to ${hi}°C` : undefined, rain !== undefined ? `rain ${rain}%` : undefined].filter(Boolean);
  return parts.length ? parts.join(', ') : JSON.stringify(v).slice(0, 300);
}

function weather(ctx: Ctx, i: Extract<Intent, { kind: 'weather' }>): SimAnswer {
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

/** The `<what>:<id>` reference of the dependency report of `taskId` in the knowledge section. */
function chosenReference(system: string, taskId: string, what: string): string | undefined {
  const knowledge = section(system, /knowledge/i) ?? system;
  const refRe = new RegExp(`\\b${what}:([A-Za-z0-9_.:-]*[A-Za-z0-9_:-])`, 'i');
  const esc = taskId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = knowledge.search(new RegExp(`(?:\`${esc}\`|task ${esc}\\b)`, 'i'));
  if (at >= 0) {
    const rest = knowledge.slice(at);
    const next = rest.slice(1).search(/\n#{2,4}\s/);
    const block = next < 0 ? rest : rest.slice(0, next + 1);
    const m = refRe.exec(block);
    if (m) return m[1];
  }
  return refRe.exec(knowledge)?.[1];
}

function book(ctx: Ctx, i: Extract<Intent, { kind: 'book' }>): SimAnswer {
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
    const why = past.result.replace(/^\s*rejected by (?:the )?operator:?\s*/i, '').trim().replace(/\.$/, '');
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

/** The mission budget in JPY when the goal or context states one. */
function budgetJpy(system: string): number | undefined {
  const text = [section(system, /goal/i), section(system, /knowledge/i), system].filter(Boolean).join('\n');
  const ctxKey = /"[A-Za-z]*budget[A-Za-z]*"\s*:\s*(\d+(?:\.\d+)?)/i.exec(text);
  if (ctxKey) return Number(ctxKey[1]);
  // Only the goal states a budget in prose: the knowledge is full of prices of earlier reports.
  const goal = section(system, /goal/i) ?? '';
  const yen = /¥\s?([\d,]+)/.exec(goal) ?? /([\d,]{4,})\s*(?:JPY|yen)\b/i.exec(goal);
  return yen ? Number(yen[1]!.replace(/,/g, '')) : undefined;
}

/** The budget the task states: "The trip budget is $2,500 (2500 USD)". */
function taskBudget(task: string): { amount: number; currency: string } | undefined {
  const m = /\bbudget is [^(\n]*\((\d+(?:\.\d+)?) (JPY|KRW|USD|EUR)\)/i.exec(task);
  return m ? { amount: Number(m[1]), currency: m[2]!.toUpperCase() } : undefined;
}

function assemble(ctx: Ctx): SimAnswer {
  return oneTool(ctx, 'get_bookings', {}, 'I will collect all bookings.', 'collect the bookings', (res) => {
    const bookings = records(res, ['bookings', 'items']).filter((b) => !/cancel/i.test(str(b, 'status') ?? ''));
    if (bookings.length === 0) return report(ctx, 'failed', 'There are no bookings to assemble an itinerary from.');
    const foreign = bookings.filter((b) => currencyOf(b) !== 'JPY' && priceOf(b) !== undefined);
    const conversions = ctx.calls.filter((c) => c.name === 'convert_currency' && c.result !== undefined);
    const summary = isObj(res) ? res : {};
    const toolBudget = isObj(summary.budget) ? num(summary.budget, 'amountJpy') : undefined;
    // The budget the task states, when the tool knows none (a goal's budget, not the mission context's).
    const stated = toolBudget === undefined ? taskBudget(ctx.task) : undefined;
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
    const byDay = new Map<string, string[]>();
    let total = 0;
    const refs: string[] = [];
    for (const b of [...bookings].sort((a, c) => dateOf(a).localeCompare(dateOf(c)))) {
      const kind = str(b, 'kind', 'type', 'category') ?? 'booking';
      const id = str(b, 'itemId', 'trainId', 'flightId', 'hotelId');
      const title = str(b, 'title', 'name');
      const item = title && id ? `${title} (${id})` : (title ?? id ?? '');
      const route = str(b, 'from') && str(b, 'to') ? ` ${str(b, 'from')} → ${str(b, 'to')}` : str(b, 'city') ? ` in ${str(b, 'city')}` : '';
      const stay = str(b, 'checkIn') && str(b, 'checkOut') ? ` (${str(b, 'checkIn')} to ${str(b, 'checkOut')})` : '';
      const ref = str(b, 'bookingRef', 'reference', 'ref', 'bookingId', 'id');
      if (ref) refs.push(`booking:${ref}`);
      const cost = jpy(b);
      if (cost !== undefined) total += cost;
      const line = `- ${kind[0]!.toUpperCase()}${kind.slice(1)} ${item}${route}${stay}${ref ? ` — booking ${ref}` : ''}: ${money(cost)}`;
      const day = dateOf(b);
      byDay.set(day, [...(byDay.get(day) ?? []), line]);
    }
    total = num(summary, 'totalJpy') ?? total;
    const budget = toolBudget ?? (stated ? inJpy(stated.amount, stated.currency) : undefined) ?? budgetJpy(ctx.system);
    const remaining = (isObj(summary.budget) ? num(summary.budget, 'remainingJpy') : undefined) ?? (budget !== undefined ? budget - total : undefined);
    const over = budget !== undefined && remaining !== undefined && remaining < 0;
    const notices = Array.isArray(summary.notices) ? summary.notices.filter((n): n is string => typeof n === 'string') : [];
    const md = [
      // Over budget, the verdict comes first: it is why the mission failed.
      ...(over ? [`**Over budget:** the total ${money(total)} is ${money(-remaining!)} over the budget of ${money(budget)}.`, ''] : []),
      '# Itinerary',
      '',
      ...[...byDay.entries()].flatMap(([day, lines]) => [`## ${day}`, ...lines, '']),
      `**Total:** ${money(total)}`,
      ...(budget !== undefined && remaining !== undefined
        ? [`**Budget:** ${money(budget)}${stated && stated.currency !== 'JPY' ? ` (${money(stated.amount, stated.currency)})` : ''}; ${remaining < 0 ? `**over by:** ${money(-remaining)}` : `**remaining:** ${money(remaining)}`}`]
        : []),
      ...(stated && budget === undefined ? [`**Budget:** ${money(stated.amount, stated.currency)} (not converted to JPY: no currency tool)`] : []),
      ...(notices.length ? ['', '## Notices', ...notices.map((n) => `- ${n}`)] : []),
    ].join('\n');
    // Over budget the completion criteria are not met: say so, with the itinerary, as a failure.
    return report(ctx, over ? 'failed' : 'succeeded', md, refs, [{ name: 'itinerary.md', content: md, mimeType: 'text/markdown' }]);
  });
}

/** A named tool called with the given arguments; the report quotes its result. */
function callTool(ctx: Ctx, i: Extract<Intent, { kind: 'call' }>): SimAnswer {
  const what = `call ${i.tool}`;
  return oneTool(ctx, i.tool, i.args, `I will call ${i.tool} with ${JSON.stringify(i.args)}.`, what, (res) => {
    const text = typeof res === 'string' ? res : JSON.stringify(res);
    return report(ctx, 'succeeded', `Called ${i.tool} with ${JSON.stringify(i.args)}. Result: ${text.length > 1000 ? `${text.slice(0, 1000)}…` : text}`, [`tool:${i.tool}`]);
  });
}

/** A task the sim cannot read: it says so instead of reporting work it did not do. */
function generic(ctx: Ctx): SimAnswer {
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

/** The description block of the task section (up to the completion criteria), if it has one. */
function descriptionOf(task: string): string | undefined {
  const lines = task.split('\n');
  const start = lines.findIndex((l) => /^\s*description:/i.test(l));
  if (start < 0) return undefined;
  const rest = lines.slice(start);
  const end = rest.findIndex((l, i) => i > 0 && /^\s*(completion criteria|id|title):/i.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).join(' ').replace(/^\s*description:\s*/i, '');
}

/**
 * What the task asks for: read from its description first, then line by line, so that a
 * title that repeats the start of the description cannot blend into one sentence with it.
 */
function taskIntent(task: string): Intent {
  const desc = descriptionOf(task);
  for (const text of [...(desc ? [desc] : []), ...task.split('\n')]) {
    const intent = parseIntent(text);
    if (intent.kind !== 'generic') return intent;
  }
  return parseIntent(task);
}

function answer(req: SimRequest): SimAnswer {
  const system = req.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content).join('\n');
  const task = section(system, /^##\s+(?:your\s+)?task\b/i) ?? system;
  const title = (/^\s*(?:title|task):\s*(.+)$/im.exec(task)?.[1] ?? task.trim().split('\n')[0] ?? 'the task').trim().slice(0, 120);
  const ctx: Ctx = { req, system, title, task, calls: pastCalls(req), tools: (req.tools ?? []).map((t) => t.function.name) };

  if (system.includes(UNKNOWN_TOOL_MARKER) && !ctx.calls.some((c) => c.name === MISSING_TOOL || /unknown tool/i.test(c.result ?? ''))) {
    return act(ctx, 'Let me look everything up first.', [call(MISSING_TOOL, { query: title })]);
  }
  const intent = taskIntent(task);
  switch (intent.kind) {
    case 'search-flights':
      return searchFlights(ctx, intent);
    case 'search-trains':
      return searchTrains(ctx, intent);
    case 'search-hotels':
      return searchHotels(ctx, intent);
    case 'weather':
      return weather(ctx, intent);
    case 'book':
      return book(ctx, intent);
    case 'assemble':
      return assemble(ctx);
    case 'call':
      return callTool(ctx, intent);
    case 'generic':
      return generic(ctx);
  }
}

/** Plays an actor of the demo world: a ReAct loop driven only by the system prompt and the tool results so far. */
export const actorPolicy: SimPolicy = {
  name: 'actor',
  matches: (req) => (req.tools ?? []).some((t) => t.function.name === 'submit_report'),
  answer,
};
