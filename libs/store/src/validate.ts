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

const USAGE_INTS = ['promptTokens', 'completionTokens', 'plannerSteps', 'actors', 'cachedPromptTokens', 'reasoningTokens'] as const;

/** Throws `invalid` unless every counter of a usage delta is a non-negative integer and the cost a non-negative number. */
export function assertUsageDelta(delta: Partial<Record<(typeof USAGE_INTS)[number] | 'costUsd', number>>): void {
  for (const f of USAGE_INTS) {
    const v = delta[f] ?? 0;
    if (!Number.isInteger(v) || v < 0) throw invalid(`usage ${f} must be a non-negative integer, got ${v}`);
  }
  const cost = delta.costUsd ?? 0;
  if (!Number.isFinite(cost) || cost < 0) throw invalid(`usage costUsd must be a non-negative number, got ${cost}`);
}

/** Throws `invalid` unless `expectedVersion` is a graph version (a non-negative integer). */
export function assertVersion(expectedVersion: number): void {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw invalid(`expectedVersion must be a non-negative integer, got ${expectedVersion}`);
}
