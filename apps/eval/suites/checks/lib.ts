/**
 * Helpers shared by the travel suite's checkers (not a checker itself): what the mission asked
 * for, read from its goal and context, and what the travel world recorded for it.
 */
import { ScheduledDisruption, toJpy, type ListedBooking, type MissionLedger, type Money } from '@aime/plugin-travel';
import type { CheckContext, CheckResult } from '../../src/index.ts';

/** The party size the goal states (`for 2 people`), else 1, as the planner reads it. */
export function partySize(goal: string): number {
  return Number(/\bfor (\d+) (?:people|persons|travell?ers|adults|passengers|guests)\b/i.exec(goal)?.[1] ?? 1);
}

/** The mission's `context.tripBudget` in yen, if it has one. */
export function budgetJpy(ctx: CheckContext): number | undefined {
  const b = ctx.mission.context?.tripBudget as Money | undefined;
  return b && typeof b.amount === 'number' ? toJpy(b) : undefined;
}

/** The disruptions scheduled in the mission's context. */
export function scheduled(ctx: CheckContext): ScheduledDisruption[] {
  const raw = ctx.mission.context?.disruptions;
  return Array.isArray(raw) ? raw.flatMap((d) => (ScheduledDisruption.safeParse(d).success ? [ScheduledDisruption.parse(d)] : [])) : [];
}

export const confirmed = (l: MissionLedger): ListedBooking[] => l.bookings.filter((b) => b.status === 'confirmed');
export const yen = (n: number): string => `¥${n.toLocaleString('en-US')}`;

/** A failed verdict. */
export const fail = (message: string): CheckResult => ({ pass: false, message });

/**
 * The bookings of a finished trip are consistent: at least one flight or train and a hotel,
 * seats for the whole party, what the world charged equals the confirmed bookings' sum, and
 * that sum is within the trip budget. Returns a problem, or a summary of the bookings.
 */
export function itineraryProblems(ctx: CheckContext, ledger: MissionLedger): { problem?: string; summary: string } {
  const ok = confirmed(ledger);
  const count = (k: ListedBooking['kind']) => ok.filter((b) => b.kind === k).length;
  const total = ok.reduce((s, b) => s + b.priceJpy, 0);
  const summary = `${ok.length} bookings (${count('flight')} flight, ${count('train')} train, ${count('hotel')} hotel), total ${yen(total)}`;
  if (!count('hotel')) return { problem: `no hotel booked: ${summary}`, summary };
  if (!count('flight') && !count('train')) return { problem: `no transport booked: ${summary}`, summary };
  const people = partySize(ctx.line.goal);
  const short = ok.filter((b) => b.kind !== 'hotel' && b.quantity !== people);
  if (short.length) return { problem: `${short.map((b) => `${b.itemId} for ${b.quantity}`).join(', ')}, but the party is ${people}`, summary };
  if (ledger.spentJpy !== total) return { problem: `the world charged ${yen(ledger.spentJpy)}, the confirmed bookings sum to ${yen(total)}`, summary };
  const budget = budgetJpy(ctx);
  if (budget !== undefined && total > budget) return { problem: `${summary} is over the budget of ${yen(budget)}`, summary };
  return { summary: budget !== undefined ? `${summary} ≤ ${yen(budget)}` : summary };
}
