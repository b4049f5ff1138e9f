import type { CheckContext, CheckResult } from '../../src/index.ts';
import { confirmed, fail, itineraryProblems, scheduled } from './lib.ts';
import { disruptedItem, findFlight, findTrain } from '@aime/plugin-travel';

/**
 * Every disruption scheduled in the context hit the world, nothing disrupted stays booked,
 * and each disrupted leg (same route, same day) was booked on another train or flight,
 * within the budget.
 */
export default async function check(ctx: CheckContext): Promise<CheckResult> {
  const wanted = scheduled(ctx);
  if (!wanted.length) return fail('the line schedules no disruption in context.disruptions');
  const ledger = await ctx.world.ledger();
  const ok = confirmed(ledger);
  const applied = new Set(ledger.disruptions.map((d) => d.itemId));
  const replacements: string[] = [];
  for (const d of wanted) {
    const id = disruptedItem(d);
    if (!applied.has(id)) return fail(`${d.kind} ${id} never happened (the leg was not searched or booked as planned)`);
    if (ok.some((b) => b.itemId === id)) return fail(`${id} is booked although it was ${d.kind === 'sell_out_train' ? 'sold out' : 'cancelled'}`);
    const item = d.kind === 'sell_out_train' ? findTrain(id) : findFlight(id);
    if (!item) return fail(`${id} is not in the catalogue`);
    const find = d.kind === 'sell_out_train' ? findTrain : findFlight;
    const sameLeg = ok.filter((b) => {
      const other = find(b.itemId);
      return other !== undefined && other.from === item.from && other.to === item.to && other.date === item.date;
    });
    const leg = `${item.from} → ${item.to} on ${item.date}`;
    if (sameLeg.length === 0) return fail(`no replacement for ${id} (${leg}) was booked`);
    if (sameLeg.length > 1) return fail(`${sameLeg.length} replacements for ${id} (${leg}) were booked: ${sameLeg.map((b) => b.itemId).join(', ')}`);
    replacements.push(`${id} → ${sameLeg[0]!.itemId}`);
  }
  const { problem, summary } = itineraryProblems(ctx, ledger);
  if (problem) return fail(problem);
  return { pass: true, message: `replaced ${replacements.join(', ')}; ${summary}` };
}
