import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET, EMPTY_USAGE } from '@aime/protocol';
import { addUsage, checkBudget, resolveBudget } from '../src/index.ts';

describe('resolveBudget', () => {
  it('fills missing limits from DEFAULT_BUDGET and keeps given ones', () => {
    expect(resolveBudget()).toEqual(DEFAULT_BUDGET);
    expect(resolveBudget({ maxTokens: 5, maxParallelActors: 2 })).toEqual({ ...DEFAULT_BUDGET, maxTokens: 5, maxParallelActors: 2 });
  });
});

describe('checkBudget', () => {
  const budget = resolveBudget({ maxTokens: 1000, maxCostUsd: 1, maxWallMs: 60_000, maxPlannerSteps: 10 });

  it('passes while every limit has room', () => {
    expect(checkBudget(budget, { ...EMPTY_USAGE, promptTokens: 500, completionTokens: 499, costUsd: 0.99, plannerSteps: 9 }, 59_999)).toEqual({ ok: true });
  });

  it('counts prompt plus completion tokens', () => {
    const r = checkBudget(budget, { ...EMPTY_USAGE, promptTokens: 600, completionTokens: 400 }, 0);
    expect(r).toMatchObject({ ok: false, limit: 'maxTokens' });
    expect(!r.ok && r.message).toContain('1000 of 1000 tokens');
  });

  it('stops on cost, wall time and planner steps', () => {
    expect(checkBudget(budget, { ...EMPTY_USAGE, costUsd: 1.2 }, 0)).toMatchObject({ ok: false, limit: 'maxCostUsd' });
    expect(checkBudget(budget, EMPTY_USAGE, 60_000)).toMatchObject({ ok: false, limit: 'maxWallMs' });
    expect(checkBudget(budget, { ...EMPTY_USAGE, plannerSteps: 10 }, 0)).toMatchObject({ ok: false, limit: 'maxPlannerSteps' });
  });

  it('names the token limit first when several are spent', () => {
    expect(checkBudget(budget, { ...EMPTY_USAGE, promptTokens: 5000, costUsd: 9, plannerSteps: 99 }, 1e9)).toMatchObject({ limit: 'maxTokens' });
  });
});

describe('addUsage', () => {
  it('adds each field and treats missing ones as zero', () => {
    const a = { promptTokens: 1, completionTokens: 2, cachedPromptTokens: 1, reasoningTokens: 0, costUsd: 0.5, costKnown: true, plannerSteps: 3, actors: 4 };
    expect(addUsage(a, { promptTokens: 10, actors: 1 })).toEqual({ ...a, promptTokens: 11, actors: 5 });
    expect(addUsage(a, { costKnown: false }).costKnown).toBe(false);
  });

  it('does not let many small costs drift', () => {
    let u = EMPTY_USAGE;
    for (let i = 0; i < 10; i++) u = addUsage(u, { costUsd: 0.1 });
    expect(u.costUsd).toBe(1);
    expect(EMPTY_USAGE.costUsd).toBe(0);
  });
});
