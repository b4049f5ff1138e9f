import { Id } from '@aime/protocol';
import { StoreError } from './errors.ts';

/** An `invalid` StoreError: the caller passed something the store cannot take. */
export function invalid(message: string): StoreError {
  return new StoreError('invalid', message);
}

export function assertId(value: unknown, what: string): asserts value is string {
  if (!Id.safeParse(value).success) throw invalid(`${what} must be 1..128 of letters, digits and _ . : -, got ${JSON.stringify(value)}`);
}

export function assertPositiveInt(n: number, what: string): void {
  if (!Number.isInteger(n) || n <= 0) throw invalid(`${what} must be a positive integer, got ${n}`);
}
