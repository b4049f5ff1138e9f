import { DEFAULT_BUDGET } from '@aime/protocol';
import type { Budget, ResolvedBudget, Usage } from '@aime/protocol';

/** The highest value a caller may ask for, per budget field (the server's `AIME_MAX_BUDGET_*`). */
export type BudgetCeilings = ResolvedBudget;

/**
 * Ceilings when the operator sets none: high enough for any real mission, low enough that
 * one caller cannot buy unbounded spend (`maxCostUsd: 1e300` used to be accepted).
 */
export const DEFAULT_BUDGET_CEILINGS: BudgetCeilings = {
  maxTokens: 10_000_000,
  maxCostUsd: 100,
  maxWallMs: 24 * 60 * 60_000,
  maxPlannerSteps: 500,
  maxParallelActors: 32,
};

const BUDGET_FIELDS = ['maxTokens', 'maxCostUsd', 'maxWallMs', 'maxPlannerSteps', 'maxParallelActors'] as const;

/** One budget field over its ceiling (or not a finite number), with a message naming both. */
export interface BudgetCeilingIssue {
  /** e.g. `budget.maxCostUsd` */
  path: string;
  message: string;
}

/**
 * The fields of a requested budget that exceed `ceilings` or are not finite numbers, in
 * field order; empty when the budget is acceptable. Pure, so the API and tests share it.
 */
export function checkBudgetCeilings(b: Budget | undefined, ceilings: BudgetCeilings): BudgetCeilingIssue[] {
  const issues: BudgetCeilingIssue[] = [];
  if (b === undefined) return issues;
  for (const field of BUDGET_FIELDS) {
    const value = b[field];
    if (value === undefined) continue;
    const path = `budget.${field}`;
    if (!Number.isFinite(value)) issues.push({ path, message: `${path} must be a finite number, got ${String(value)}` });
    else if (value > ceilings[field]) issues.push({ path, message: `${path} must be at most ${ceilings[field]}, got ${value}` });
  }
  return issues;
}

/**
 * A budget with every limit set: given values win, the rest come from `DEFAULT_BUDGET`,
 * lowered to `ceilings` when the operator set a ceiling below a default.
 */
export function resolveBudget(b?: Budget, ceilings?: BudgetCeilings): ResolvedBudget {
  const fill = (field: (typeof BUDGET_FIELDS)[number]): number => {
    const given = b?.[field];
    if (given !== undefined) return given;
    return ceilings ? Math.min(DEFAULT_BUDGET[field], ceilings[field]) : DEFAULT_BUDGET[field];
  };
  return {
    maxTokens: fill('maxTokens'),
    maxCostUsd: fill('maxCostUsd'),
    maxWallMs: fill('maxWallMs'),
    maxPlannerSteps: fill('maxPlannerSteps'),
    maxParallelActors: fill('maxParallelActors'),
  };
}

/** The outcome of {@link checkBudget}: which limit is spent, and a message for humans and the log. */
export type BudgetCheck = { ok: true } | { ok: false; limit: keyof ResolvedBudget; message: string };

/**
 * Whether a mission may keep going. A limit is spent once usage reaches it (so with
 * `maxPlannerSteps: 60`, a 61st step is refused after 60 were taken). Checked in the order
 * tokens (prompt + completion), cost, wall time, planner steps; the first spent one is named.
 * `maxParallelActors` is a concurrency cap, not a usage limit, and is not checked here.
 */
export function checkBudget(budget: ResolvedBudget, usage: Usage, elapsedMs: number): BudgetCheck {
  const tokens = usage.promptTokens + usage.completionTokens;
  if (tokens >= budget.maxTokens) {
    return { ok: false, limit: 'maxTokens', message: `token budget spent: ${tokens} of ${budget.maxTokens} tokens used (prompt + completion)` };
  }
  if (usage.costUsd >= budget.maxCostUsd) {
    return { ok: false, limit: 'maxCostUsd', message: `cost budget spent: $${usage.costUsd.toFixed(4)} of $${budget.maxCostUsd} used` };
  }
  if (elapsedMs >= budget.maxWallMs) {
    return { ok: false, limit: 'maxWallMs', message: `wall-time budget spent: ${Math.round(elapsedMs)} ms of ${budget.maxWallMs} ms elapsed` };
  }
  if (usage.plannerSteps >= budget.maxPlannerSteps) {
    return { ok: false, limit: 'maxPlannerSteps', message: `planner step budget spent: ${usage.plannerSteps} of ${budget.maxPlannerSteps} steps taken` };
  }
  return { ok: true };
}

/** Adds a usage delta; missing fields count as zero. Cost is rounded to 1e-9 USD so sums do not drift. */
export function addUsage(a: Usage, d: Partial<Usage>): Usage {
  return {
    promptTokens: a.promptTokens + (d.promptTokens ?? 0),
    completionTokens: a.completionTokens + (d.completionTokens ?? 0),
    cachedPromptTokens: a.cachedPromptTokens + (d.cachedPromptTokens ?? 0),
    reasoningTokens: a.reasoningTokens + (d.reasoningTokens ?? 0),
    costUsd: Math.round((a.costUsd + (d.costUsd ?? 0)) * 1e9) / 1e9,
    costKnown: a.costKnown && d.costKnown !== false,
    plannerSteps: a.plannerSteps + (d.plannerSteps ?? 0),
    actors: a.actors + (d.actors ?? 0),
  };
}
