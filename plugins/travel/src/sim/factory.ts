import { ACTOR_SPEC_RESPONSE_NAME, section, type SimAnswer, type SimPolicy, type SimRequest } from '@aime/sim';

interface Persona {
  name: string;
  role: string;
  traits: string[];
}

/** Keyword rules: a task mentioning any of the words needs the bundles. Order = persona priority. */
const RULES: Array<{ domain: string; words: RegExp; bundles: string[]; persona: Persona }> = [
  {
    domain: 'itinerary',
    words: /\b(itinerary|itineraries|bookings|assemble|total)\b/i,
    bundles: ['itinerary', 'currency'],
    persona: { name: 'Itinerary Planner', role: 'Assembles bookings into a consistent itinerary with costs', traits: ['thorough', 'budget-aware'] },
  },
  {
    domain: 'trains',
    words: /\b(trains?|shinkansen|rail|railways?)\b/i,
    bundles: ['trains'],
    persona: { name: 'Rail Booking Specialist', role: 'Finds and books train seats', traits: ['precise', 'budget-aware'] },
  },
  {
    domain: 'flights',
    words: /\b(flights?|fly|flying)\b/i,
    bundles: ['flights'],
    persona: { name: 'Flight Booking Specialist', role: 'Finds and books flights', traits: ['precise', 'budget-aware'] },
  },
  {
    domain: 'hotels',
    words: /\b(hotels?|stays?|accommodations?)\b/i,
    bundles: ['hotels'],
    persona: { name: 'Accommodation Specialist', role: 'Finds and books hotel rooms', traits: ['careful', 'budget-aware'] },
  },
  {
    domain: 'weather',
    words: /\b(weather|forecasts?)\b/i,
    bundles: ['weather'],
    persona: { name: 'Weather Analyst', role: 'Checks forecasts for travel days', traits: ['factual', 'concise'] },
  },
  {
    domain: 'currency',
    words: /\b(currency|currencies|convert|conversion|exchange|budget)\b/i,
    bundles: ['currency'],
    persona: { name: 'Budget Analyst', role: 'Converts currencies and checks costs against the budget', traits: ['exact', 'budget-aware'] },
  },
];

const GENERIC_PERSONA: Persona = {
  name: 'Research Assistant',
  role: 'Works through a general task and reports what it found',
  traits: ['thorough', 'honest'],
};


/** A bundle as the factory prompt lists it: `- <name>[ (no live worker)]: <description> (tools: a, b)`. */
export interface ListedBundle {
  name: string;
  tools: string[];
  /** Known, but no live worker serves it now. */
  offline: boolean;
}

/** The bundles listed as `- <name>: ...` lines, with their tools when the line names them. */
function listedBundles(text: string): ListedBundle[] {
  const out: ListedBundle[] = [];
  for (const m of text.matchAll(/^\s*[-*]\s+`?([A-Za-z0-9_.-]+)`?\s*(\(no live worker\))?\s*[:(—-](.*)$/gm)) {
    if (!m[1] || out.some((b) => b.name === m[1])) continue;
    const tools = /\(tools: ([^)]*)\)\s*$/.exec(m[3] ?? '')?.[1]?.split(',').map((t) => t.trim()).filter(Boolean) ?? [];
    out.push({ name: m[1], tools, offline: !!m[2] });
  }
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Picks the actor's persona and bundles from the task text, among the listed bundles only:
 * the keyword rules of the demo world, then any bundle whose name (any case) or one of whose
 * tool names (exact case) the task mentions, which is how a plugin's bundle gets chosen.
 * A bundle listed as having no live worker is chosen the same way (the task then waits for one).
 * Exported for tests and for callers that want the same keyword rules.
 */
export function chooseActorSpec(taskText: string, listed: Array<string | ListedBundle>): { persona: Persona; bundles: string[] } {
  const all = listed.map((b) => (typeof b === 'string' ? { name: b, tools: [], offline: false } : b));
  const available = all.map((b) => b.name);
  const bundles: string[] = [];
  let persona: Persona | undefined;
  for (const rule of RULES) {
    if (!rule.words.test(taskText)) continue;
    const usable = rule.bundles.filter((b) => available.includes(b));
    if (usable.length === 0) continue;
    persona ??= rule.persona;
    for (const b of usable) if (!bundles.includes(b)) bundles.push(b);
  }
  for (const b of all) {
    if (bundles.includes(b.name)) continue;
    const named = new RegExp(`\\b${escapeRe(b.name)}\\b`, 'i').test(taskText);
    if (named || b.tools.some((t) => new RegExp(`(?<![A-Za-z0-9_-])${escapeRe(t)}(?![A-Za-z0-9_-])`).test(taskText))) bundles.push(b.name);
  }
  return { persona: persona ?? GENERIC_PERSONA, bundles };
}

/** The travel factory's answer: persona and bundles by keyword, as the JSON of `actor_spec`. */
export function factoryAnswer(req: SimRequest): SimAnswer {
  const user = req.messages.filter((m) => m.role === 'user').map((m) => m.content);
  const text = (user.length ? user : req.messages.map((m) => m.content)).join('\n');
  // The bundle list carries descriptions full of keywords: read the task apart from it.
  const taskText = section(text, /task/i) ?? text;
  const bundleText = section(text, /bundle/i) ?? text;
  return { content: JSON.stringify(chooseActorSpec(taskText, listedBundles(bundleText))) };
}

/** Answers the Actor Factory's structured `actor_spec` request: persona and bundles by keyword. */
export const factoryPolicy: SimPolicy = {
  name: 'factory',
  matches: (req) => req.response_format?.type === 'json_schema' && req.response_format.json_schema?.name === ACTOR_SPEC_RESPONSE_NAME,
  answer: factoryAnswer,
};
