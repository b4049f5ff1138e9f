import type { CheckContext, CheckResult } from '../../src/index.ts';
import { budgetJpy, fail, yen } from './lib.ts';

/**
 * For a trip that cannot fit its budget: the world never let spending pass the budget, and the
 * mission admits it failed instead of claiming an itinerary.
 */
export default async function check(ctx: CheckContext): Promise<CheckResult> {
  const budget = budgetJpy(ctx);
  if (budget === undefined) return fail('the line has no context.tripBudget');
  const ledger = await ctx.world.ledger();
  if (ledger.spentJpy > budget) return fail(`spent ${yen(ledger.spentJpy)}, over the budget of ${yen(budget)}`);
  if (ctx.mission.status !== 'failed') return fail(`the mission ${ctx.mission.status}, though no itinerary fits ${yen(budget)}`);
  return { pass: true, message: `spent ${yen(ledger.spentJpy)} of ${yen(budget)}, and the mission failed` };
}
