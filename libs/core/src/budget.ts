import { DEFAULT_BUDGET } from '@aime/protocol';
import type { Budget, ResolvedBudget, Usage } from '@aime/protocol';

/** A budget with every limit set: given values win, the rest come from `DEFAULT_BUDGET`. */
export function resolveBudget(b?: Budget): ResolvedBudget {
  return {
    maxTokens: b?.maxTokens ?? DEFAULT_BUDGET.maxTokens,
    maxCostUsd: b?.maxCostUsd ?? DEFAULT_BUDGET.maxCostUsd,
    maxWallMs: b?.maxWallMs ?? DEFAULT_BUDGET.maxWallMs,
    maxPlannerSteps: b?.maxPlannerSteps ?? DEFAULT_BUDGET.maxPlannerSteps,
    maxParallelActors: b?.maxParallelActors ?? DEFAULT_BUDGET.maxParallelActors,
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
