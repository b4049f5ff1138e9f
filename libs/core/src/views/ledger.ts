import { isKnownEvent, ToolEffect as ToolEffectSchema } from '@aime/protocol';
import type { Event, LedgerEntry, ToolEffect } from '@aime/protocol';

/** The amount of an effect in major units (`amount`, else `amountMinor` / 100). */
export function effectAmount(e: Pick<ToolEffect, 'amount' | 'amountMinor'>): number | undefined {
  if (e.amount !== undefined) return e.amount;
  if (e.amountMinor !== undefined) return e.amountMinor / 100;
  return undefined;
}

/**
 * The side-effect ledger of a mission: every external effect its tool calls declared, in
 * the order they happened, once each (a retried step that reports the same reference again
 * is not counted twice), with totals per currency.
 */
export function sideEffectLedger(events: readonly Event[]): { items: LedgerEntry[]; totals: { currency: string; amount: number }[] } {
  const items: LedgerEntry[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (!isKnownEvent(e) || e.type !== 'effect.recorded') continue;
    for (const effect of e.data.effects) {
      const key = `${e.data.tool}\n${effect.kind}\n${effect.reference}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push({
        ...effect,
        tool: e.data.tool,
        eventId: e.id,
        at: effect.at ?? e.ts,
        ...(e.taskId ? { taskId: e.taskId } : {}),
        ...(e.actorId ? { actorId: e.actorId } : {}),
      });
    }
  }
  const sums = new Map<string, number>();
  for (const i of items) {
    const amount = effectAmount(i);
    if (amount === undefined || !i.currency) continue;
    sums.set(i.currency, (sums.get(i.currency) ?? 0) + amount);
  }
  return { items, totals: [...sums].map(([currency, amount]) => ({ currency, amount })) };
}

/** Reads the `effects` a tool result declares; anything malformed is left out, not thrown. */
export function declaredEffects(output: unknown): ToolEffect[] {
  if (output === null || typeof output !== 'object') return [];
  const list = (output as { effects?: unknown }).effects;
  if (!Array.isArray(list)) return [];
  return list.slice(0, 50).flatMap((x) => {
    const e = ToolEffectSchema.safeParse(x);
    return e.success ? [e.data] : [];
  });
}
