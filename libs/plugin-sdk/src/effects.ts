import type { ToolContext } from './types.ts';

/**
 * An external effect a tool call had, declared in the tool's result as `effects: [...]`
 * (a booking, a payment, a sent message). The runtime records each in the mission's
 * side-effect ledger, which stays visible after a cancel: what went through stays done.
 */
export interface ToolEffectDeclaration {
  /** e.g. `booking`, `payment`, `email`. */
  kind: string;
  /** The outside system's reference for it (booking reference, message id). */
  reference: string;
  description?: string;
  /** In major units (yen, dollars)... */
  amount?: number;
  /** ...or in minor units (cents). */
  amountMinor?: number;
  currency?: string;
  /** ISO time; the time of the call when omitted. */
  at?: string;
}

/** What a call will cost, shown to the operator who approves it. */
export interface ToolEstimate {
  amount: number;
  currency: string;
  /** What is left of the budget the call spends from, before it. */
  budgetLeft?: number;
  budgetCurrency?: string;
  note?: string;
}

/** `ToolDefinition.estimate`: what a call of the tool would cost, or undefined when it cannot say. */
export type ToolEstimator<T = unknown> = { estimate(input: T, ctx: ToolContext): Promise<ToolEstimate | undefined> | ToolEstimate | undefined }['estimate'];

/** A tool result with its effects declared: `return withEffects(result, [{ kind: 'booking', reference }])`. */
export function withEffects<T extends object>(result: T, effects: ToolEffectDeclaration[]): T & { effects: ToolEffectDeclaration[] } {
  return { ...result, effects };
}
