import { isObj, num, str } from './results.ts';

/** Rendering what the actor found: money, forecasts, the itinerary document. Pure text. */

export function money(amount: number | undefined, currency = 'JPY'): string {
  if (amount === undefined) return 'price unknown';
  if (currency === 'JPY') return `¥${Math.round(amount).toLocaleString('en-US')}`;
  return `${amount.toLocaleString('en-US')} ${currency}`;
}

export function describeWeather(v: unknown): string {
  if (!isObj(v)) return String(v);
  const cond = str(v, 'condition', 'summary', 'forecast', 'description', 'conditions', 'weather');
  const hi = num(v, 'highC', 'tempHighC', 'maxC', 'high', 'tempMax', 'max');
  const lo = num(v, 'lowC', 'tempLowC', 'minC', 'low', 'tempMin', 'min');
  const rain = num(v, 'precipitationChance', 'rainChance', 'precipChance', 'chanceOfRain', 'precipitation');
  const parts = [cond, lo !== undefined && hi !== undefined ? `${lo}–${hi}°C` : hi !== undefined ? `up to ${hi}°C` : undefined, rain !== undefined ? `rain ${rain}%` : undefined].filter(Boolean);
  return parts.length ? parts.join(', ') : JSON.stringify(v).slice(0, 300);
}

export interface ItineraryLine {
  day: string;
  kind: string;
  item: string;
  route: string;
  stay: string;
  ref?: string;
  costJpy?: number;
}

export interface Itinerary {
  lines: ItineraryLine[];
  totalJpy: number;
  budgetJpy?: number;
  remainingJpy?: number;
  /** The budget the task stated in another currency, shown beside its JPY value. */
  stated?: { amount: number; currency: string };
  notices: string[];
}

/** The itinerary as Markdown: over budget, the verdict first (it is why the mission failed); then day by day, the total and the budget. */
export function renderItinerary(it: Itinerary): string {
  const byDay = new Map<string, string[]>();
  for (const l of it.lines) {
    const line = `- ${l.kind[0]!.toUpperCase()}${l.kind.slice(1)} ${l.item}${l.route}${l.stay}${l.ref ? ` — booking ${l.ref}` : ''}: ${money(l.costJpy)}`;
    byDay.set(l.day, [...(byDay.get(l.day) ?? []), line]);
  }
  const { budgetJpy: budget, remainingJpy: remaining, stated } = it;
  const over = budget !== undefined && remaining !== undefined && remaining < 0;
  return [
    ...(over ? [`**Over budget:** the total ${money(it.totalJpy)} is ${money(-remaining)} over the budget of ${money(budget)}.`, ''] : []),
    '# Itinerary',
    '',
    ...[...byDay.entries()].flatMap(([day, lines]) => [`## ${day}`, ...lines, '']),
    `**Total:** ${money(it.totalJpy)}`,
    ...(budget !== undefined && remaining !== undefined
      ? [`**Budget:** ${money(budget)}${stated && stated.currency !== 'JPY' ? ` (${money(stated.amount, stated.currency)})` : ''}; ${remaining < 0 ? `**over by:** ${money(-remaining)}` : `**remaining:** ${money(remaining)}`}`]
      : []),
    ...(stated && budget === undefined ? [`**Budget:** ${money(stated.amount, stated.currency)} (not converted to JPY: no currency tool)`] : []),
    ...(it.notices.length ? ['', '## Notices', ...it.notices.map((n) => `- ${n}`)] : []),
  ].join('\n');
}
