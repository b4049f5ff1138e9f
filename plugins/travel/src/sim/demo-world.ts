/**
 * What the simulated model knows of the offline travel demo world (`plugins/travel`): its
 * cities and the routes its trains and flights serve. Like a real model, the sim has no side
 * channel into the plugin, so this is its "training": it mirrors `plugins/travel/src/catalogue.ts`
 * (an integration test checks that the two agree).
 */

export const DEMO_CITIES = ['Seoul', 'Tokyo', 'Kyoto', 'Osaka'] as const;
export type DemoCity = (typeof DEMO_CITIES)[number];

export const CITY_COUNTRY: Readonly<Record<DemoCity, 'KR' | 'JP'>> = { Seoul: 'KR', Tokyo: 'JP', Kyoto: 'JP', Osaka: 'JP' };

/** Airport codes a goal may use for a city. */
export const AIRPORT_CODES: Readonly<Record<string, DemoCity>> = { ICN: 'Seoul', GMP: 'Seoul', HND: 'Tokyo', NRT: 'Tokyo', KIX: 'Osaka', ITM: 'Osaka' };

export type Mode = 'flight' | 'train';

/** Every route the world serves, one way: a train or flight exists from `from` to `to` every day. */
export const DEMO_ROUTES: ReadonlyArray<{ from: DemoCity; to: DemoCity; mode: Mode }> = [
  { from: 'Seoul', to: 'Tokyo', mode: 'flight' },
  { from: 'Tokyo', to: 'Seoul', mode: 'flight' },
  { from: 'Osaka', to: 'Seoul', mode: 'flight' },
  { from: 'Tokyo', to: 'Kyoto', mode: 'train' },
  { from: 'Kyoto', to: 'Osaka', mode: 'train' },
];

export const routeMode = (from: DemoCity, to: DemoCity): Mode | undefined => DEMO_ROUTES.find((r) => r.from === from && r.to === to)?.mode;

/**
 * The cities between `from` and `to` on the shortest served path (empty when a direct route
 * exists), or undefined when the world cannot take a traveller there. A stop-over may only be
 * in the country of one end: Kyoto → Tokyo is not served by flying through Seoul.
 */
export function connection(from: DemoCity, to: DemoCity): DemoCity[] | undefined {
  const allowed = new Set([CITY_COUNTRY[from], CITY_COUNTRY[to]]);
  let paths: DemoCity[][] = [[from]];
  for (let legs = 1; legs <= 3; legs++) {
    const next: DemoCity[][] = [];
    for (const path of paths) {
      const last = path[path.length - 1]!;
      for (const r of DEMO_ROUTES.filter((x) => x.from === last && !path.includes(x.to))) {
        if (r.to === to) return path.slice(1);
        if (allowed.has(CITY_COUNTRY[r.to])) next.push([...path, r.to]);
      }
    }
    paths = next;
  }
  return undefined;
}

const ROUTE_LIST = (mode: Mode) => DEMO_ROUTES.filter((r) => r.mode === mode).map((r) => `${r.from} → ${r.to}`).join(', ');

/** What the demo world can do, as Markdown list items, for answers that must say it plainly. */
export function demoWorldSummary(): string {
  return [
    `- **Cities:** ${DEMO_CITIES.join(', ')}.`,
    `- **Routes:** flights ${ROUTE_LIST('flight')}; trains ${ROUTE_LIST('train')} (the Shinkansen runs Tokyo → Kyoto).`,
    '- **Tools:** search and book trains, flights and hotels; weather forecasts; currency conversion (JPY, KRW, USD, EUR); the itinerary with its total against a budget.',
  ].join('\n');
}

/** How to leave the simulated model for a real one: the sim's own words. */
export { REAL_MODEL_HELP } from '@aime/sim';
