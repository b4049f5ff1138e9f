import { describe, expect, it } from 'vitest';
import { eventSummary } from '../src/lib/event-text.ts';
import { ev } from './fixtures.ts';

describe('eventSummary for model usage', () => {
  const usage = (data: Record<string, unknown>) => ev('1-0', 'usage', { role: 'planner', model: 'openai:gpt-4o-mini', promptTokens: 1000, completionTokens: 50, costUsd: 0.0002, ...data });

  it('shows cached and reasoning tokens and where the cost came from', () => {
    expect(eventSummary(usage({ cachedPromptTokens: 600, reasoningTokens: 20, costSource: 'provider' }))).toMatch(/1000\+50 tokens \(600 cached, 20 reasoning\), \$0\.000\d* \(provider\)/);
  });

  it('says a call had no price instead of showing $0', () => {
    expect(eventSummary(usage({ costUsd: 0, costSource: 'unknown' }))).toMatch(/tokens, no price$/);
  });

  it('shows a warning with its message', () => {
    expect(eventSummary(ev('2-0', 'warning', { code: 'unknown_model_price', message: 'maxCostUsd cannot be enforced' }))).toBe('⚠ maxCostUsd cannot be enforced');
  });
});
