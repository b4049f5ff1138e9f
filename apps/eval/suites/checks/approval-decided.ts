import type { CheckContext, CheckResult } from '../../src/index.ts';
import { confirmed, fail, itineraryProblems } from './lib.ts';

/**
 * The harness decided every train booking as the line says, and the world agrees: approved
 * trains are booked exactly once; after a rejection no train is booked at all.
 */
export default async function check(ctx: CheckContext): Promise<CheckResult> {
  const policy = ctx.line.approvals ?? 'approve';
  const asked = ctx.approvals.filter((a) => a.tool === 'book_train');
  if (!asked.length) return fail('no approval was requested for book_train (in-process the harness requires it when a line sets approvals; a server needs the travel plugin created with requireApproval: ["book_train"])');
  const undecided = asked.filter((a) => a.status === 'pending');
  if (undecided.length) return fail(`${undecided.length} approval(s) still pending`);
  const ledger = await ctx.world.ledger();
  const trains = confirmed(ledger).filter((b) => b.kind === 'train');
  if (policy === 'reject') {
    if (trains.length) return fail(`rejected, yet booked ${trains.map((b) => b.itemId).join(', ')}`);
    return { pass: true, message: `${asked.length} train booking(s) rejected, none booked` };
  }
  const approvedIds = asked.filter((a) => a.status === 'approved').map((a) => (a.args as { trainId?: string }).trainId?.toUpperCase());
  const stray = trains.filter((b) => !approvedIds.includes(b.itemId));
  if (stray.length) return fail(`booked without approval: ${stray.map((b) => b.itemId).join(', ')}`);
  const twice = trains.filter((b, i) => trains.findIndex((x) => x.itemId === b.itemId) !== i);
  if (twice.length) return fail(`booked twice: ${twice.map((b) => b.itemId).join(', ')}`);
  const { problem, summary } = itineraryProblems(ctx, ledger);
  if (problem) return fail(problem);
  return { pass: true, message: `${asked.length} approval(s) granted; ${summary}` };
}
