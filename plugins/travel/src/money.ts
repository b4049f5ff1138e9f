import { z } from 'zod';

/** Currencies of the demo world. */
export const Currency = z.enum(['JPY', 'KRW', 'USD', 'EUR']);
export type Currency = z.infer<typeof Currency>;

/** An amount in a currency. */
export interface Money {
  amount: number;
  currency: Currency;
}

/** Fixed rates: how many yen one unit buys. Fixed so that demo runs are reproducible. */
export const RATES_TO_JPY: Readonly<Record<Currency, number>> = { JPY: 1, KRW: 0.108, USD: 150, EUR: 162 };

const DECIMALS: Readonly<Record<Currency, number>> = { JPY: 0, KRW: 0, USD: 2, EUR: 2 };

/** Rounds to the currency's usual minor unit (none for yen and won, cents otherwise). */
export function roundMoney(amount: number, currency: Currency): number {
  const factor = 10 ** DECIMALS[currency];
  return Math.round(amount * factor) / factor;
}

/** Converts at the fixed rates, rounded in the target currency. */
export function convert(amount: number, from: Currency, to: Currency): number {
  return roundMoney((amount * RATES_TO_JPY[from]) / RATES_TO_JPY[to], to);
}

/** The amount in whole yen: the world's unit of account for budgets and totals. */
export function toJpy(money: Money): number {
  return convert(money.amount, money.currency, 'JPY');
}

const SYMBOL: Readonly<Record<Currency, string>> = { JPY: '¥', KRW: '₩', USD: '$', EUR: '€' };

/** `¥14,170`, `₩385,000`, `$12.50`. */
export function formatMoney(amount: number, currency: Currency): string {
  const digits = DECIMALS[currency];
  return `${SYMBOL[currency]}${amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}
