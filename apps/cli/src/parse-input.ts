import { readFileSync } from 'node:fs';
import { Budget } from '@aime/protocol';
import { UsageError } from './usage-error.ts';

/** The budget keys as `--budget` takes them, with short aliases. */
const BUDGET_KEYS: Record<string, keyof Budget> = {
  maxTokens: 'maxTokens',
  tokens: 'maxTokens',
  maxCostUsd: 'maxCostUsd',
  cost: 'maxCostUsd',
  usd: 'maxCostUsd',
  maxWallMs: 'maxWallMs',
  wallMs: 'maxWallMs',
  maxPlannerSteps: 'maxPlannerSteps',
  steps: 'maxPlannerSteps',
  maxParallelActors: 'maxParallelActors',
  parallel: 'maxParallelActors',
};

/** A JSON object given inline or as `@file`; `what` names the flag in messages. */
export function parseJsonObject(raw: string, what: string): Record<string, unknown> {
  let text = raw;
  if (raw.startsWith('@')) {
    const file = raw.slice(1);
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${what} must be a JSON object, like '{"key":"value"}'`);
  return value as Record<string, unknown>;
}

/**
 * `--budget k=v` pairs (repeatable, or comma-separated) into a Budget: `tokens=200000,cost=2`
 * or the API's names (`maxTokens=200000`). Wall time takes `ms`, `s`, `m` or `h` (`wall=10m`).
 */
export function parseBudget(pairs: readonly string[]): Budget | undefined {
  const items = pairs.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  if (!items.length) return undefined;
  const out: Record<string, number> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new UsageError(`--budget takes key=value, got '${item}' (keys: tokens, cost, wall, steps, parallel)`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 'wall' || key === 'maxWall') {
      out.maxWallMs = parseDuration(value);
      continue;
    }
    const name = BUDGET_KEYS[key];
    if (!name) throw new UsageError(`--budget: unknown key '${key}' (keys: tokens, cost, wall, steps, parallel, or ${Object.values(BUDGET_KEYS).filter((v, i, a) => a.indexOf(v) === i).join(', ')})`);
    const n = Number(value);
    if (value === '' || !Number.isFinite(n)) throw new UsageError(`--budget ${key} must be a number, got '${value}'`);
    out[name] = n;
  }
  const parsed = Budget.safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--budget ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** `90s`, `10m`, `1h`, `500ms` or a bare number of milliseconds. */
export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`a duration is a number with ms, s, m or h (e.g. 10m), got '${raw}'`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** A positive integer option. */
export function parsePositiveInt(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a positive integer, got '${raw}'`);
  return n;
}
