/**
 * Reading tool results tolerantly: a real tool (or another plugin's) names its fields as it
 * likes (`priceJpy`, `price`, `fare`, `{ amount, currency }`...), and errors come back as text.
 */

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isError = (text: string): boolean => /^\s*error\b/i.test(text);
/** The runtime's observation for a call an operator rejected (`Rejected by operator: <note>`). */
export const isRejected = (text: string): boolean => /^\s*rejected by (?:the )?operator\b/i.test(text);

/** The error text without the `Error:` prefix and a leading `code:` tag, without a final period. */
export function errorText(text: string): string {
  return text
    .replace(/^\s*error:?\s*/i, '')
    .replace(/^[a-z][a-z0-9_]*:\s+/, '')
    .trim()
    .replace(/\.$/, '');
}

/** The operator's note of a rejection, without the `Rejected by operator:` prefix and a final period. */
export const rejectionNote = (text: string): string => text.replace(/^\s*rejected by (?:the )?operator:?\s*/i, '').trim().replace(/\.$/, '');

export function parseJson(text: string | undefined): unknown {
  if (text === undefined || isError(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The list of records in a result: the result itself, or its first array of objects. */
export function records(v: unknown, keys: string[] = []): Obj[] {
  if (Array.isArray(v)) return v.filter(isObj);
  if (!isObj(v)) return [];
  for (const k of keys) if (Array.isArray(v[k])) return (v[k] as unknown[]).filter(isObj);
  for (const x of Object.values(v)) if (Array.isArray(x) && x.some(isObj)) return x.filter(isObj);
  return [];
}

export function str(o: Obj, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string' && v) return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

export function num(o: Obj, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  }
  return undefined;
}

export const idOf = (o: Obj, kind: string): string | undefined => str(o, 'id', `${kind}Id`, 'code', 'number');

/** A price: a `...Jpy` number, a plain number (in `currency`, else JPY) or a `{ amount, currency }` object. */
export function moneyOf(o: Obj): { amount: number; currency: string } | undefined {
  for (const k of ['priceJpy', 'totalJpy', 'pricePerPersonJpy', 'pricePerNightJpy', 'fareJpy', 'amountJpy']) {
    const v = num(o, k);
    if (v !== undefined) return { amount: v, currency: 'JPY' };
  }
  for (const k of ['price', 'pricePerPerson', 'pricePerNight', 'fare', 'total', 'nightly', 'amount', 'cost']) {
    const v = o[k];
    if (typeof v === 'number') return { amount: v, currency: (str(o, 'currency') ?? 'JPY').toUpperCase() };
    if (isObj(v) && typeof v.amount === 'number') return { amount: v.amount, currency: String(v.currency ?? 'JPY').toUpperCase() };
  }
  return undefined;
}
export const priceOf = (o: Obj): number | undefined => moneyOf(o)?.amount;
export const currencyOf = (o: Obj): string => moneyOf(o)?.currency ?? 'JPY';
export const departureOf = (o: Obj): string | undefined => str(o, 'departure', 'departs', 'departAt', 'departureTime', 'depart', 'departsAt');
export const arrivalOf = (o: Obj): string | undefined => str(o, 'arrival', 'arrives', 'arriveAt', 'arrivalTime', 'arrive', 'arrivesAt');
export const seatsOf = (o: Obj): number | undefined => num(o, 'seatsAvailable', 'availableSeats', 'seatsLeft', 'seats');

/** Whether a train, flight or hotel can still take `need` seats or rooms. */
export function available(o: Obj, need: number): boolean {
  if (o.soldOut === true || o.sold_out === true || o.available === false || o.cancelled === true) return false;
  const status = str(o, 'status');
  if (status && /sold|cancel|full|unavailable/i.test(status)) return false;
  const left = num(o, 'seatsAvailable', 'availableSeats', 'seatsLeft', 'seats', 'roomsAvailable', 'availableRooms', 'roomsLeft', 'available');
  return left === undefined || left >= need;
}
