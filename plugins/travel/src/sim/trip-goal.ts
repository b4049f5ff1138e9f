import { AIRPORT_CODES, DEMO_CITIES, type DemoCity } from './demo-world.ts';

/**
 * Reads a travel goal as people write it, for the simulated planner. Pure: text in, data out.
 *
 * What it understands, and the defaults when a field is missing:
 * - **Cities** of the demo world (or their airport codes; accents ignored: Kyōto) in order of mention, joined by
 *   anything ("via", "then", arrows →, ->, >, –, commas, "and"). "from X" makes X the start.
 *   A city named twice counts once, except "back to X" / "return to X" / "round trip", which
 *   end the trip where it started.
 * - **Where the nights are**: a route (arrows, "X to Y", "from X") starts where the traveller
 *   sets off, so no night is spent in the first city (the reference "Seoul → Tokyo → Kyoto");
 *   a list of places ("Tokyo then Kyoto", "Tokyo and Kyoto") is visited, first city included.
 * - **Party size** in digits or words ("2 people", "two adults", "3 pax", "a couple", "me and
 *   my wife", "with my girlfriend", "my wife and two kids", "family of four", "solo", "2 adults
 *   and 1 child"). Default: 1 (at most 9: the booking tools' limits).
 * - **Start date**: ISO (2026-12-01), US (12/01/2026, 12/1), written ("December 1st, 2026",
 *   "1 Dec 2026", "Dec 1", "the 1st of December"). A date without a year takes the first such
 *   date not before `today` (when given), else 2026. Default: 2026-12-01, the demo's reference day.
 * - **Length**: "4 days", "4-day", "3 nights" (= 4 days), "a week" (7 nights), "a weekend" (2
 *   nights), "a long weekend" (3 nights), a range ("Dec 1-4", "1–5 December") or an end date
 *   ("until Dec 5", "to 12/05/2026").
 *   Default: one night per city visited; never fewer.
 * - **Budget** in JPY, KRW, USD or EUR: symbols ¥ ₩ $ €, codes, words (yen, won, dollars,
 *   euros, 円), "k" and "m" suffixes, thousands separators ("300k yen", "₩3,000,000", "$2.5k",
 *   "2,500 USD", "€2000"); a bare number after "budget" or "under" is JPY. Default: none.
 * - **Shinkansen day**: "Shinkansen … on day 2" or "Shinkansen on Dec 2". Default: none
 *   (the planner spreads the nights evenly).
 */

export type CurrencyCode = 'JPY' | 'KRW' | 'USD' | 'EUR';

export interface Budget {
  amount: number;
  currency: CurrencyCode;
}

export interface TripGoal {
  /** The cities named, in travel order (a round trip repeats the first at the end). */
  cities: DemoCity[];
  /** The first city is where the traveller sets off: no night is spent there. */
  departsFromFirst: boolean;
  /** The trip ends back in its first city. */
  roundTrip: boolean;
  start: string;
  /** Days from the first to the last, when the goal states a length (else one night per city). */
  days?: number;
  people: number;
  /** The trip day (1-based) of the Shinkansen ride, when the goal states it. */
  shinkansenDay?: number;
  budget?: Budget;
}

export interface ReadOptions {
  /** Today (YYYY-MM-DD), for dates written without a year. */
  today?: string;
}

/** The demo's reference day: a date-less goal starts here (the world serves any date). */
export const DEFAULT_START = '2026-12-01';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '(?:,?\\s+(\\d{4}))?';

const WORD_NUMBERS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14,
  a: 1, an: 1, single: 1, couple: 2, pair: 2,
};
const NUMBER = `(\\d+|${Object.keys(WORD_NUMBERS).filter((w) => !['a', 'an', 'single', 'couple', 'pair'].includes(w)).join('|')})`;
const toNumber = (s: string): number => (/^\d+$/.test(s) ? Number(s) : (WORD_NUMBERS[s.toLowerCase()] ?? NaN));

const pad = (n: number) => String(n).padStart(2, '0');

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const daysBetween = (a: string, b: string): number => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

function isoDate(year: number, month: number, day: number): string | undefined {
  const iso = `${year}-${pad(month)}-${pad(day)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.getUTCDate() !== day ? undefined : iso;
}

/** A month and day without a year: the first such date not before today, else in 2026. */
function withYear(month: number, day: number, year: string | undefined, today: string | undefined): string | undefined {
  if (year) return isoDate(Number(year), month, day);
  const base = today ? Number(today.slice(0, 4)) : 2026;
  const same = isoDate(base, month, day);
  return today && same && same < today ? isoDate(base + 1, month, day) : same;
}

interface Found {
  date: string;
  at: number;
  end: number;
}

/** Every date written in the goal, in order of position. */
export function findDates(text: string, today?: string): Found[] {
  const out: Found[] = [];
  const add = (at: number, len: number, date: string | undefined) => {
    if (date && !out.some((f) => at < f.end && at + len > f.at)) out.push({ date, at, end: at + len });
  };
  const month = (s: string) => MONTHS.indexOf(s.slice(0, 3).toLowerCase()) + 1;
  for (const m of text.matchAll(/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g)) add(m.index, m[0].length, isoDate(Number(m[1]), Number(m[2]), Number(m[3])));
  for (const m of text.matchAll(/\b(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?\b/g)) {
    const y = m[3] ? (m[3].length === 2 ? `20${m[3]}` : m[3]) : undefined;
    add(m.index, m[0].length, withYear(Number(m[1]), Number(m[2]), y, today));
  }
  // "1–5 December": the range starts on its first day.
  for (const m of text.matchAll(new RegExp(`\\b${DAY}\\s*(?:-|–)\\s*\\d{1,2}(?:st|nd|rd|th)?(?:\\s+of)?\\s+${MONTH}\\b${YEAR}`, 'gi'))) add(m.index, m[0].length, withYear(month(m[2]!), Number(m[1]), m[3], today));
  // "December 1st, 2026", "Dec 1"
  for (const m of text.matchAll(new RegExp(`\\b${MONTH}\\s+${DAY}\\b${YEAR}`, 'gi'))) add(m.index, m[0].length, withYear(month(m[1]!), Number(m[2]), m[3], today));
  // "1 Dec 2026", "the 1st of December"
  for (const m of text.matchAll(new RegExp(`\\b${DAY}(?:\\s+of)?\\s+${MONTH}\\b${YEAR}`, 'gi'))) add(m.index, m[0].length, withYear(month(m[2]!), Number(m[1]), m[3], today));
  // Relative to the prompt's "now": "tomorrow", "in 3 days", "in two weeks", "next week", "next month".
  if (today) {
    for (const m of text.matchAll(/\b(?:tomorrow|day after tomorrow|next week|next month|in (\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten) (days?|weeks?))\b/gi)) {
      const words: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
      const phrase = m[0].toLowerCase();
      let date: string;
      if (phrase === 'tomorrow') date = addDays(today, 1);
      else if (phrase === 'day after tomorrow') date = addDays(today, 2);
      else if (phrase === 'next week') date = addDays(today, 7);
      else if (phrase === 'next month') date = `${today.slice(0, 5)}${String(Number(today.slice(5, 7)) + 1).padStart(2, '0')}-01`.replace(/^(\d{4})-13-01$/, (_, y: string) => `${Number(y) + 1}-01-01`);
      else {
        const n = Number(m[1]) || words[m[1]!.toLowerCase()] || 1;
        date = addDays(today, /week/i.test(m[2]!) ? 7 * n : n);
      }
      add(m.index, m[0].length, date);
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

// ---------- cities ----------

interface Mention {
  city: DemoCity;
  at: number;
  end: number;
}

function cityMentions(text: string): Mention[] {
  const out: Mention[] = [];
  for (const c of DEMO_CITIES) for (const m of text.matchAll(new RegExp(`\\b${c}\\b`, 'gi'))) out.push({ city: c, at: m.index, end: m.index + m[0].length });
  for (const [code, city] of Object.entries(AIRPORT_CODES)) for (const m of text.matchAll(new RegExp(`\\b${code}\\b`, 'g'))) out.push({ city, at: m.index, end: m.index + m[0].length });
  return out.sort((a, b) => a.at - b.at);
}

const ROUTE_JOIN = /^\s*(?:→|->|-->|>|–|—|-|to)\s*$/i;
/** Cities named after "via" (and those listed with them) are stops before the city named just before. */
const VIA = /\b(?:via|through|by way of|stopping (?:in|at|over in))\s+$/i;
const LIST_JOIN = /^\s*(?:,|and|, and|then|&)\s*$/i;

function readCities(text: string): Pick<TripGoal, 'cities' | 'departsFromFirst' | 'roundTrip'> {
  const mentions = cityMentions(text);
  const first = new Map<DemoCity, Mention>();
  for (const m of mentions) if (!first.has(m.city)) first.set(m.city, m);
  const firsts = [...first.values()];
  // "from X" names the start, wherever it stands ("to Kyoto from Tokyo").
  const isFrom = (m: Mention) => /\b(?:from|leaving|starting (?:in|from|at)|departing(?: from)?)\s+$/i.test(text.slice(Math.max(0, m.at - 20), m.at));
  const origin = firsts.find(isFrom);
  const ordered = origin ? [origin, ...firsts.filter((m) => m !== origin)] : [...firsts];
  const via = new Set<Mention>();
  for (const [i, m] of firsts.entries()) {
    const prev = firsts[i - 1];
    if (VIA.test(text.slice(Math.max(0, m.at - 20), m.at)) || (prev && via.has(prev) && LIST_JOIN.test(text.slice(prev.end, m.at)))) via.add(m);
  }
  // "Seoul to Kyoto via Tokyo": the stops go before the destination named just before them.
  const out: Mention[] = [];
  let insertAt = -1;
  for (const m of ordered) {
    if (via.has(m) && insertAt > 0) out.splice(insertAt++, 0, m);
    else insertAt = out.push(m) - 1;
  }
  const cities = out.map((m) => m.city);
  const routeJoin = mentions.some((m, i) => i > 0 && ROUTE_JOIN.test(text.slice(mentions[i - 1]!.end, m.at)));
  const departsFromFirst = !!origin || routeJoin;
  const back = /\b(?:back|return(?:ing)?)\s+(?:home\s+)?to\s+(\w+)/i.exec(text);
  const backTo = back ? (mentions.find((m) => m.at === back.index + back[0].length - back[1]!.length)?.city ?? undefined) : undefined;
  const roundTrip = cities.length > 1 && ((!!backTo && backTo === cities[0]) || /\b(?:round[- ]trip|and back|return(?:ing)? home|back home)\b/i.test(text));
  return { cities: roundTrip ? [...cities, cities[0]!] : cities, departsFromFirst: departsFromFirst || roundTrip, roundTrip };
}

// ---------- people ----------

const PEOPLE_NOUN = '(?:people|ppl|persons?|adults?|travell?ers?|passengers?|guests?|pax|friends|of us|colleagues|students)';

const PARTNER = '(?:\\w+ )?(?:wife|husband|partner|spouse|girlfriend|boyfriend|fianc[ée]e?|friend|mum|mom|dad|mother|father|sister|brother)';
const KIDS = `\\b${NUMBER}\\s+(?:children|child|kids?|teens?|teenagers?|infants?|sons|daughters)\\b`;

function readPeople(text: string): number | undefined {
  const adultsKids = [...text.matchAll(new RegExp(`\\b${NUMBER}\\s+(adults?|children|child|kids?|teens?|teenagers?|infants?)\\b`, 'gi'))];
  if (adultsKids.length > 1) return adultsKids.reduce((n, m) => n + toNumber(m[1]!), 0);
  const family = new RegExp(`\\b(?:family|group|party) of ${NUMBER}\\b`, 'i').exec(text);
  if (family) return toNumber(family[1]!);
  const counted = new RegExp(`\\b${NUMBER}\\s+${PEOPLE_NOUN}\\b`, 'i').exec(text);
  if (counted) return toNumber(counted[1]!);
  // "me and my wife", "my husband and I", "with my girlfriend", "a couple": two, plus any kids named.
  const kids = new RegExp(KIDS, 'i').exec(text);
  const withKids = (n: number) => n + (kids ? toNumber(kids[1]!) : /\b(?:and|with) (?:our|my) (?:son|daughter|baby|kid|child)\b/i.test(text) ? 1 : 0);
  if (new RegExp(`\\b(?:(?:me|I) and my ${PARTNER}|my ${PARTNER} and (?:I|me)|with my ${PARTNER})\\b`, 'i').test(text)) return withKids(2);
  if (/\b(?:a couple|for two|for 2|honeymoon|the two of us|both of us|me and my partner)\b/i.test(text)) return withKids(2);
  if (kids) return toNumber(kids[1]!) + (/\b(?:me|I|myself)\b/.test(text) ? 1 : 0);
  const adults = new RegExp(`\\b${NUMBER}\\s+adults?\\b`, 'i').exec(text);
  if (adults) return toNumber(adults[1]!);
  if (/\b(?:solo|alone|just me|by myself|on my own|for one|one person|single traveller)\b/i.test(text)) return 1;
  const bare = new RegExp(`\\bfor ${NUMBER}\\b(?![.,]\\d|\\s*(?:-|\\s)?(?:days?|nights?|weeks?|k\\b|yen|won|dollars|euros|usd|eur|jpy|krw|%))`, 'i').exec(text);
  return bare ? toNumber(bare[1]!) : undefined;
}

// ---------- length ----------

function readLength(text: string, start: string | undefined, dates: Found[]): number | undefined {
  const days = new RegExp(`\\b${NUMBER}[- ]days?\\b`, 'i').exec(text);
  if (days) return toNumber(days[1]!);
  const nights = new RegExp(`\\b${NUMBER}[- ]nights?\\b`, 'i').exec(text);
  if (nights) return toNumber(nights[1]!) + 1;
  const weeks = new RegExp(`\\b(${NUMBER.slice(1, -1)}|a)[- ]weeks?\\b`, 'i').exec(text);
  if (weeks) return toNumber(weeks[1]!) * 7 + 1;
  if (/\blong weekend\b/i.test(text)) return 4;
  if (/\bweekend\b/i.test(text)) return 3;
  // A range of days in one month: "Dec 1-4", "1–4 December".
  const range = new RegExp(`\\b(?:${MONTH}\\s+${DAY}\\s*(?:-|–|to)\\s*${DAY}\\b|${DAY}\\s*(?:-|–|to)\\s*${DAY}\\s+${MONTH})`, 'i').exec(text);
  if (start && range) {
    const [from, to] = range[1] ? [range[2], range[3]] : [range[4], range[5]];
    if (Number(to) > Number(from)) return Number(to) - Number(from) + 1;
  }
  // An end date: "from Dec 1 to Dec 5", "until 12/05".
  if (start && dates.length > 1) {
    const end = dates.find((d) => d.date > start && /\b(?:to|until|till|through|thru|-|–)\s*(?:the\s+)?$/i.test(text.slice(Math.max(0, d.at - 12), d.at)));
    if (end) return daysBetween(start, end.date) + 1;
  }
  return undefined;
}

// ---------- budget ----------

const SYMBOLS: Record<string, CurrencyCode> = { '¥': 'JPY', '￥': 'JPY', '₩': 'KRW', $: 'USD', '€': 'EUR' };
const WORDS: Array<[RegExp, CurrencyCode]> = [
  [/^(?:jpy|yen|円)$/i, 'JPY'],
  [/^(?:krw|won)$/i, 'KRW'],
  [/^(?:usd|dollars?|bucks)$/i, 'USD'],
  [/^(?:eur|euros?)$/i, 'EUR'],
];
const AMOUNT = '(\\d{1,3}(?:[,\u00a0 ]\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)\\s*(k|m|thousand|million|mil)?\\b';

function scaled(num: string, suffix: string | undefined): number {
  const n = Number(num.replace(/[,\u00a0 ]/g, ''));
  const s = (suffix ?? '').toLowerCase();
  return Math.round(n * (s === 'k' || s === 'thousand' ? 1_000 : s === 'm' || s === 'million' || s === 'mil' ? 1_000_000 : 1));
}

function readBudget(text: string): Budget | undefined {
  const symbol = new RegExp(`(?:US)?([¥￥₩$€])\\s?${AMOUNT}`, 'i').exec(text);
  const worded = new RegExp(`\\b${AMOUNT}\\s*(jpy|yen|krw|won|usd|dollars?|bucks|eur|euros?|円)(?:\\b|(?<=円))`, 'i').exec(text);
  const coded = new RegExp(`\\b(JPY|KRW|USD|EUR)\\s?${AMOUNT}`, 'i').exec(text);
  const hits: Array<{ at: number; budget: Budget }> = [];
  if (symbol) hits.push({ at: symbol.index, budget: { amount: scaled(symbol[2]!, symbol[3]), currency: SYMBOLS[symbol[1]!]! } });
  if (worded) hits.push({ at: worded.index, budget: { amount: scaled(worded[1]!, worded[2]), currency: WORDS.find(([re]) => re.test(worded[3]!))![1] } });
  if (coded) hits.push({ at: coded.index, budget: { amount: scaled(coded[2]!, coded[3]), currency: coded[1]!.toUpperCase() as CurrencyCode } });
  if (!hits.length) {
    const bare = new RegExp(`\\b(?:budget(?: of| is|:)?|under|below|max(?:imum)?|at most|up to)\\s+${AMOUNT}`, 'i').exec(text);
    if (bare && scaled(bare[1]!, bare[2]) >= 1000) return { amount: scaled(bare[1]!, bare[2]), currency: 'JPY' };
    return undefined;
  }
  return hits.sort((a, b) => a.at - b.at)[0]!.budget;
}

// ---------- the Shinkansen day ----------

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

function readShinkansenDay(text: string, start: string, today?: string): number | undefined {
  const at = text.search(/\b(?:shinkansen|bullet train|nozomi|hikari)\b/i);
  if (at < 0) return undefined;
  const clause = text.slice(at).split(/[.;]|\bthen\b/i)[0] ?? '';
  const day = /\bday (\d+)\b/i.exec(clause) ?? new RegExp(`\\b(?:the )?(${ORDINALS.join('|')}) day\\b`, 'i').exec(clause);
  if (day) return /^\d+$/.test(day[1]!) ? Number(day[1]) : ORDINALS.indexOf(day[1]!.toLowerCase()) + 1;
  const date = findDates(clause, today)[0];
  return date && date.date >= start ? daysBetween(start, date.date) + 1 : undefined;
}

// ---------- the whole goal ----------

const TRAVEL_WORDS = /\b(trip|travel\w*|itinerary|journey|visit\w*|holiday|vacation|getaway|stay\w*|nights?|days?|weekend|honeymoon|tour\w*|fly|flights?|trains?|shinkansen|hotels?|book\w*|go(?:ing)? to|explore)\b/i;

/** Whether the goal asks for travel at all (even to places the demo world does not know). */
export const soundsLikeTravel = (goal: string): boolean => /\b(trip|travel\w*|itinerary|journey|holiday|vacation|getaway|honeymoon|flights?|hotels?|fly to)\b/i.test(goal);

/** The trip a goal asks for, or null when it names no demo city or does not ask for travel. */
export function readTripGoal(goal: string, opts: ReadOptions = {}): TripGoal | null {
  // "Kyōto" is Kyoto: accents dropped; positions only matter within this text.
  const text = goal.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, ' ');
  const route = readCities(text);
  const named = new Set(route.cities).size;
  if (named === 0 || (named < 2 && !TRAVEL_WORDS.test(text))) return null;
  if (named >= 2 && !TRAVEL_WORDS.test(text) && !route.departsFromFirst && !/\bvia\b|\bthen\b/.test(text)) return null;
  const dates = findDates(text, opts.today);
  const today = opts.today;
  const start = dates[0]?.date ?? (today && today > DEFAULT_START ? addDays(today, 7) : DEFAULT_START);
  const length = readLength(text, dates[0]?.date, dates);
  const people = readPeople(text);
  const budget = readBudget(text);
  const shinkansenDay = readShinkansenDay(text, start, today);
  return {
    ...route,
    start,
    ...(length && length > 0 ? { days: length } : {}),
    people: Math.max(1, Math.min(people ?? 1, 9)),
    ...(shinkansenDay ? { shinkansenDay } : {}),
    ...(budget ? { budget } : {}),
  };
}
