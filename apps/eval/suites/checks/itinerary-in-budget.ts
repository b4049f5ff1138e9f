import type { CheckContext, CheckResult } from '../../src/index.ts';
import { fail, itineraryProblems } from './lib.ts';

/** The trip was booked consistently and within `context.tripBudget`, by the travel world's own records. */
export default async function check(ctx: CheckContext): Promise<CheckResult> {
  const ledger = await ctx.world.ledger();
  const { problem, summary } = itineraryProblems(ctx, ledger);
  if (problem) return fail(problem);
  const dup = ledger.bookings.map((b) => `${b.kind}:${b.itemId}`).filter((k, i, all) => all.indexOf(k) !== i);
  if (dup.length) return fail(`booked twice: ${dup.join(', ')}`);
  return { pass: true, message: summary };
}
