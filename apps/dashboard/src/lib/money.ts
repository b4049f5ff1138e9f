/** "¥117,140", "₩385,000", "$12.50": an amount in its currency, for ledgers and approvals. */
export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: currency === 'JPY' || currency === 'KRW' ? 0 : 2 }).format(amount);
  } catch {
    return `${amount.toLocaleString()} ${currency}`;
  }
}
