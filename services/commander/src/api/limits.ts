import { DEFAULT_BUDGET_CEILINGS, type BudgetCeilings } from '@aime/core';
import { REQUEST_LIMITS } from '@aime/protocol';
import { ApiError } from './errors.ts';

/** Why the API refused a request, as counted in `aime_api_refusals_total{reason}`. */
export type RefusalReason = 'ceiling' | 'depth' | 'size' | 'rate' | 'missions';

/**
 * A refusal because of a server limit: an {@link ApiError} that also says which limit, so
 * `/metrics` can count refusals by reason without parsing messages.
 */
export class LimitError extends ApiError {
  constructor(
    readonly reason: RefusalReason,
    statusCode: number,
    code: string,
    message: string,
    details?: unknown,
    headers?: Record<string, string>,
  ) {
    super(statusCode, code, message, details, headers);
    this.name = 'LimitError';
  }
}

/** The server's limits on what callers may ask for and how often. */
export interface ApiLimits {
  /** Highest budget a mission may ask for, per field (`AIME_MAX_BUDGET_*`). */
  budgetCeilings: BudgetCeilings;
  /** Missions one principal may have not yet finished (`AIME_MAX_MISSIONS_IN_FLIGHT_PER_CALLER`). @default 20 */
  missionsInFlightPerCaller: number;
  /** Missions one principal may create per minute (`AIME_MAX_MISSIONS_PER_MINUTE`). @default 60 */
  missionsPerMinute: number;
  /** Deepest JSON nesting of any request body. @default 32 */
  maxJsonDepth: number;
}

/** The limits when no variable is set. */
export const DEFAULT_API_LIMITS: ApiLimits = {
  budgetCeilings: DEFAULT_BUDGET_CEILINGS,
  missionsInFlightPerCaller: 20,
  missionsPerMinute: 60,
  maxJsonDepth: REQUEST_LIMITS.jsonDepth,
};

const CEILING_VARS: Array<[keyof BudgetCeilings, string, 'int' | 'number']> = [
  ['maxTokens', 'AIME_MAX_BUDGET_TOKENS', 'int'],
  ['maxCostUsd', 'AIME_MAX_BUDGET_COST_USD', 'number'],
  ['maxWallMs', 'AIME_MAX_BUDGET_WALL_MS', 'int'],
  ['maxPlannerSteps', 'AIME_MAX_BUDGET_PLANNER_STEPS', 'int'],
  ['maxParallelActors', 'AIME_MAX_BUDGET_PARALLEL_ACTORS', 'int'],
];

// The budget schema itself caps these two; a higher ceiling could never be reached.
const SCHEMA_MAX: Partial<Record<keyof BudgetCeilings, number>> = { maxPlannerSteps: 10_000, maxParallelActors: 64 };

function readPositive(env: Readonly<Record<string, string | undefined>>, name: string, kind: 'int' | 'number', fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  const ok = Number.isFinite(value) && value > 0 && value <= max && (kind === 'number' || Number.isInteger(value));
  if (!ok) throw new RangeError(`${name} must be a positive ${kind === 'int' ? 'integer' : 'number'}${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * Reads and validates the limits once, at start: a bad value stops the server with a
 * message naming the variable, instead of a limit that silently does not hold.
 */
export function apiLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): ApiLimits {
  const budgetCeilings = { ...DEFAULT_BUDGET_CEILINGS };
  for (const [field, name, kind] of CEILING_VARS) budgetCeilings[field] = readPositive(env, name, kind, DEFAULT_BUDGET_CEILINGS[field], SCHEMA_MAX[field]);
  return {
    budgetCeilings,
    missionsInFlightPerCaller: readPositive(env, 'AIME_MAX_MISSIONS_IN_FLIGHT_PER_CALLER', 'int', DEFAULT_API_LIMITS.missionsInFlightPerCaller),
    missionsPerMinute: readPositive(env, 'AIME_MAX_MISSIONS_PER_MINUTE', 'int', DEFAULT_API_LIMITS.missionsPerMinute),
    maxJsonDepth: DEFAULT_API_LIMITS.maxJsonDepth,
  };
}

/**
 * The deepest nesting of arrays and objects in a JSON text, or `limit + 1` as soon as it
 * goes deeper. One pass with a counter, no recursion: a 100,000-deep body costs a scan,
 * never a stack overflow, and is refused before any parser or validator recurses into it.
 * Brackets inside strings do not count; an invalid text is left to the JSON parser.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** @throws LimitError 400 when `text` nests deeper than `limit`. */
export function assertJsonDepth(text: string, limit: number): void {
  if (jsonDepth(text, limit) <= limit) return;
  const message = `body: JSON is nested deeper than ${limit} levels`;
  throw new LimitError('depth', 400, 'validation_failed', message, [{ path: 'body', message: `nested deeper than ${limit} levels` }]);
}
