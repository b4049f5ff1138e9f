import type { ActorSpec } from '@aime/protocol';

type Persona = ActorSpec['persona'];

const RULES: Array<{ words: RegExp; bundles: string[]; persona: Persona }> = [
  {
    words: /\b(itinerary|bookings|assemble|total)\b/i,
    bundles: ['itinerary', 'currency'],
    persona: { name: 'Itinerary Planner', role: 'Assembles bookings into a consistent itinerary', traits: ['thorough', 'budget-aware'] },
  },
  { words: /\b(trains?|shinkansen|rail|railways?)\b/i, bundles: ['trains'], persona: { name: 'Rail Booking Specialist', role: 'Finds and books train seats', traits: ['precise'] } },
  { words: /\b(flights?|fly|flying)\b/i, bundles: ['flights'], persona: { name: 'Flight Booking Specialist', role: 'Finds and books flights', traits: ['precise'] } },
  { words: /\b(hotels?|stays?|accommodations?)\b/i, bundles: ['hotels'], persona: { name: 'Accommodation Specialist', role: 'Finds and books hotel rooms', traits: ['careful'] } },
  { words: /\b(weather|forecasts?)\b/i, bundles: ['weather'], persona: { name: 'Weather Analyst', role: 'Checks forecasts', traits: ['factual'] } },
  { words: /\b(currency|convert|exchange|budget)\b/i, bundles: ['currency'], persona: { name: 'Budget Analyst', role: 'Converts currencies and checks costs', traits: ['exact'] } },
];

/**
 * The fallback when the factory model gives no usable answer: bundles whose name or keywords
 * appear in the task text, among the available ones, and a persona to match.
 */
export function keywordSpec(taskText: string, available: string[]): { persona: Persona; bundles: string[] } {
  const bundles: string[] = [];
  let persona: Persona | undefined;
  for (const rule of RULES) {
    if (!rule.words.test(taskText)) continue;
    const usable = rule.bundles.filter((b) => available.includes(b));
    if (!usable.length) continue;
    persona ??= rule.persona;
    for (const b of usable) if (!bundles.includes(b)) bundles.push(b);
  }
  // Bundles from other plugins have no keyword rule: their own name in the task is the hint.
  for (const name of available) {
    if (!bundles.includes(name) && new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(taskText)) bundles.push(name);
  }
  return { persona: persona ?? { name: 'Research Assistant', role: 'Works through the task and reports what it found', traits: ['thorough', 'honest'] }, bundles };
}
