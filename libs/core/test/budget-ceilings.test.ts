import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET } from '@aime/protocol';
import { checkBudgetCeilings, DEFAULT_BUDGET_CEILINGS, resolveBudget } from '../src/index.ts';

describe('checkBudgetCeilings', () => {
  it('names the field and the ceiling of a budget above it', () => {
    expect(checkBudgetCeilings({ maxCostUsd: 1e300 }, DEFAULT_BUDGET_CEILINGS)).toEqual([
      { path: 'budget.maxCostUsd', message: 'budget.maxCostUsd must be at most 100, got 1e+300' },
    ]);
  });

  it('refuses non-finite numbers', () => {
    const issues = checkBudgetCeilings({ maxTokens: Number.POSITIVE_INFINITY, maxWallMs: Number.NaN }, DEFAULT_BUDGET_CEILINGS);
    expect(issues.map((i) => i.path)).toEqual(['budget.maxTokens', 'budget.maxWallMs']);
    expect(issues[0]?.message).toContain('finite');
  });

  it('accepts a budget at the ceilings and an absent budget', () => {
    expect(checkBudgetCeilings({ ...DEFAULT_BUDGET_CEILINGS }, DEFAULT_BUDGET_CEILINGS)).toEqual([]);
    expect(checkBudgetCeilings(undefined, DEFAULT_BUDGET_CEILINGS)).toEqual([]);
  });
});

describe('resolveBudget with ceilings', () => {
  it('lowers a default above an operator ceiling, keeps given values', () => {
    const ceilings = { ...DEFAULT_BUDGET_CEILINGS, maxCostUsd: 2, maxPlannerSteps: 10 };
    expect(resolveBudget({ maxPlannerSteps: 5 }, ceilings)).toEqual({ ...DEFAULT_BUDGET, maxCostUsd: 2, maxPlannerSteps: 5 });
  });
});
