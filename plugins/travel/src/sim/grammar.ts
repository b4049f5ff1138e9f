/**
 * The intent grammar of the travel world: the one place that says how a task's description
 * names what an actor must do. The sim planner writes descriptions with {@link writeIntent}; the
 * sim actor reads them back with {@link parseIntent} (which also reads the looser phrasings a
 * person or another planner may write). `parseIntent(writeIntent(i))` gives `i` back: a property
 * test holds the two sides together.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON object at the start of `text` (balanced braces, strings respected), if it parses. */
export function leadingObject(text: string): Obj | undefined {
  if (!text.startsWith('{')) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        const v: unknown = JSON.parse(text.slice(0, i + 1));
        return isObj(v) ? v : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export type Intent =
  | { kind: 'search-flights'; from: string; to: string; date: string; passengers: number; after?: string; exclude: string[] }
  | { kind: 'search-trains'; from: string; to: string; date: string; passengers: number; after?: string; exclude: string[]; anyTrain?: boolean }
  | { kind: 'search-hotels'; city: string; checkIn: string; checkOut: string; guests: number }
  | { kind: 'weather'; places: Array<{ city: string; date: string }> }
  | { kind: 'book'; what: 'flight' | 'train'; fromTask: string; passengers: number }
  | { kind: 'book'; what: 'hotel'; fromTask: string; checkIn?: string; checkOut?: string; rooms: number }
  | { kind: 'assemble'; budget?: { amount: number; currency: string } }
  | { kind: 'call'; tool: string; args: Obj }
  | { kind: 'generic' };

export type IntentOf<K extends Intent['kind']> = Extract<Intent, { kind: K }>;

const DATE = '(\\d{4}-\\d{2}-\\d{2})';
const TASK_ID = '([A-Za-z0-9_.:-]*[A-Za-z0-9_:-])';
const SYMBOL: Record<string, string> = { JPY: '¥', KRW: '₩', USD: '$', EUR: '€' };

/** "¥300,000 (300000 JPY)": readable, and exact for the actor that converts it. */
export function budgetText(b: { amount: number; currency: string }): string {
  return `${SYMBOL[b.currency] ?? ''}${b.amount.toLocaleString('en-US')} (${b.amount} ${b.currency})`;
}

function searchHead(kind: 'flights' | 'trains', i: { from: string; to: string; date: string; passengers: number; after?: string; exclude: string[] }): string {
  let d = `Search ${kind} from ${i.from} to ${i.to} on ${i.date} for ${i.passengers} passengers`;
  if (i.after) d += `, departing after ${i.after}`;
  if (i.exclude.length) d += `, excluding ${i.exclude.join(', ')}`;
  return d;
}

/** The task description that asks an actor for `intent` (a `generic` intent has none: ''). */
export function writeIntent(intent: Intent): string {
  switch (intent.kind) {
    case 'search-flights':
      return `${searchHead('flights', intent)}. Choose the cheapest flight with enough seats. Report the chosen one as a reference \`flight:<id>\`.`;
    case 'search-trains':
      // Only Tokyo → Kyoto has a Shinkansen in the demo world; other lines run local trains.
      return `${searchHead('trains', intent)}. ${intent.anyTrain ? 'Take the first train with enough seats.' : 'Prefer the Shinkansen (Nozomi).'} Report the chosen one as a reference \`train:<id>\`.`;
    case 'search-hotels':
      return `Search hotels in ${intent.city} from ${intent.checkIn} to ${intent.checkOut} for ${intent.guests} guests. Report the chosen hotel as a reference \`hotel:<id>\`.`;
    case 'weather':
      return `Check the weather in ${intent.places.map((p) => `${p.city} on ${p.date}`).join(' and ')}.`;
    case 'book':
      return intent.what === 'hotel'
        ? `Book the hotel chosen by task ${intent.fromTask}${intent.checkIn && intent.checkOut ? ` from ${intent.checkIn} to ${intent.checkOut}` : ''}, ${intent.rooms} room(s).`
        : `Book the ${intent.what} chosen by task ${intent.fromTask} for ${intent.passengers} passengers.`;
    case 'assemble':
      return `Assemble the final itinerary from all bookings, with the total cost in JPY.${
        intent.budget ? ` The trip budget is ${budgetText(intent.budget)}: convert it to JPY with the currency tool if needed, compare the total with it, and say plainly if the trip is over budget.` : ''
      }`;
    case 'call':
      return `Call \`${intent.tool}\` with ${JSON.stringify(intent.args)} and report its result.`;
    case 'generic':
      return '';
  }
}

/** The budget an assemble task states: "The trip budget is $2,500 (2500 USD)". */
export function statedBudget(text: string): { amount: number; currency: string } | undefined {
  const m = /\bbudget is [^(\n]*\((\d+(?:\.\d+)?) (JPY|KRW|USD|EUR)\)/i.exec(text);
  return m ? { amount: Number(m[1]), currency: m[2]!.toUpperCase() } : undefined;
}

/** What one sentence-run of task text asks for; `generic` when it names nothing of the grammar. */
export function parseIntent(taskText: string): Intent {
  // Any plugin's tool: "Call `<tool>` with {json}", read from the text as written (JSON strings keep their spaces).
  const generic = /\bCall `([a-zA-Z0-9_-]{1,64})` with\s*(\{[\s\S]*)$/i.exec(taskText);
  const args = generic ? leadingObject(generic[2]!) : undefined;
  if (generic && args) return { kind: 'call', tool: generic[1]!, args };
  const t = taskText.replace(/\s+/g, ' ');
  let m = new RegExp(`Search (flights|trains) from (.+?) to (.+?) on ${DATE} for (\\d+) passengers?(?:, departing after (\\d{1,2}:\\d{2}))?(?:, excluding ([^.]+))?`, 'i').exec(t);
  if (m) {
    const exclude = (m[7] ?? '').split(/\s*,\s*|\s+and\s+/).map((s) => s.trim()).filter(Boolean);
    const search = { from: m[2]!, to: m[3]!, date: m[4]!, passengers: Number(m[5]), ...(m[6] ? { after: m[6] } : {}), exclude };
    if (m[1]!.toLowerCase() === 'flights') return { kind: 'search-flights', ...search };
    const anyTrain = /first train with enough seats/i.test(t);
    return { kind: 'search-trains', ...search, ...(anyTrain ? { anyTrain } : {}) };
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
    const what = m[1]!.toLowerCase() as 'flight' | 'train' | 'hotel';
    if (what === 'hotel') return { kind: 'book', what, fromTask: m[2]!, ...(m[4] && m[5] ? { checkIn: m[4], checkOut: m[5] } : {}), rooms: Number(m[6] ?? 1) };
    return { kind: 'book', what, fromTask: m[2]!, passengers: Number(m[3] ?? 1) };
  }
  if (/Assemble the final itinerary/i.test(t)) {
    const budget = statedBudget(t);
    return { kind: 'assemble', ...(budget ? { budget } : {}) };
  }
  return { kind: 'generic' };
}

/** The description block of a task section (up to the completion criteria), if it has one. */
function descriptionOf(task: string): string | undefined {
  const lines = task.split('\n');
  const start = lines.findIndex((l) => /^\s*description:/i.test(l));
  if (start < 0) return undefined;
  const rest = lines.slice(start);
  const end = rest.findIndex((l, i) => i > 0 && /^\s*(completion criteria|id|title):/i.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n').replace(/^\s*description:\s*/i, '');
}

/**
 * What a task section asks for: read from its description first, then line by line, so that a
 * title that repeats the start of the description cannot blend into one sentence with it.
 */
export function taskIntent(task: string): Intent {
  const desc = descriptionOf(task);
  for (const text of [...(desc ? [desc] : []), ...task.split('\n')]) {
    const intent = parseIntent(text);
    if (intent.kind !== 'generic') return intent;
  }
  return parseIntent(task);
}
