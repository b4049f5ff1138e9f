import { AIMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { createChatModel, createUsageCallback, modelsConfigFromEnv, priceCall, usageFromMessage, type CallTokens, type UsageRecord } from '../src/index.ts';
import { quirkURL, withSim } from './helpers.ts';

const tokens = (t: Partial<CallTokens>): CallTokens => ({ promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, reasoningTokens: 0, ...t });

describe('priceCall', () => {
  it('prices cached prompt tokens at the cached price (gpt-4o-mini: 0.15 / 0.075 / 0.60 per 1M)', () => {
    const r = priceCall('openai:gpt-4o-mini', tokens({ promptTokens: 1_000_000, cachedPromptTokens: 400_000, completionTokens: 1_000_000 }));
    expect(r.costSource).toBe('price_table');
    expect(r.costUsd).toBeCloseTo(0.6 * 0.15 + 0.4 * 0.075 + 0.6, 12);
  });

  it('prices cached tokens at the full prompt price for a model with no cached price', () => {
    expect(priceCall('gpt-3.5-turbo', tokens({ promptTokens: 1_000_000, cachedPromptTokens: 500_000 })).costUsd).toBeCloseTo(0.5, 12);
  });

  it('adds nothing for reasoning tokens: they are part of the completion tokens', () => {
    const plain = priceCall('o3', tokens({ promptTokens: 1000, completionTokens: 5000 }));
    expect(priceCall('o3', tokens({ promptTokens: 1000, completionTokens: 5000, reasoningTokens: 4000 }))).toEqual(plain);
    expect(plain.costUsd).toBeCloseTo((1000 * 2 + 5000 * 8) / 1e6, 12);
  });

  it("prefers the provider's own cost, also for a model it cannot price, also when it is 0", () => {
    expect(priceCall('gpt-4o', tokens({ promptTokens: 1_000_000, providerCostUsd: 0.0123 }))).toEqual({ costUsd: 0.0123, costSource: 'provider' });
    expect(priceCall('deepseek/deepseek-r1', tokens({ promptTokens: 10, providerCostUsd: 0.5 }))).toEqual({ costUsd: 0.5, costSource: 'provider' });
    expect(priceCall('meta-llama/llama-3.1-8b-instruct:free', tokens({ promptTokens: 10, providerCostUsd: 0 }))).toEqual({ costUsd: 0, costSource: 'provider' });
  });

  it("counts an unknown model as 0 with costSource 'unknown'", () => {
    expect(priceCall('llama3.1:8b', tokens({ promptTokens: 1_000_000, completionTokens: 1_000_000 }))).toEqual({ costUsd: 0, costSource: 'unknown' });
  });

  it('prices dated snapshots by their longest listed prefix', () => {
    const t = tokens({ promptTokens: 1_000_000 });
    expect(priceCall('gpt-4o-mini-2024-07-18', t).costUsd).toBeCloseTo(0.15, 12);
    expect(priceCall('gpt-4o-2024-08-06', t).costUsd).toBeCloseTo(2.5, 12);
    expect(priceCall('openai:gpt-4.1-mini-2025-04-14', t).costUsd).toBeCloseTo(0.4, 12);
    expect(priceCall('o3-mini-2025-01-31', t).costUsd).toBeCloseTo(1.1, 12);
  });

  it('keeps the sim free unless the given table prices it', () => {
    expect(priceCall('sim', tokens({ promptTokens: 1_000_000 }))).toEqual({ costUsd: 0, costSource: 'price_table' });
    expect(priceCall('sim', tokens({ promptTokens: 1_000_000, cachedPromptTokens: 1_000_000 }), { sim: { promptPer1M: 4, completionPer1M: 8, cachedPromptPer1M: 1 } }).costUsd).toBe(1);
  });
});

describe('usageFromMessage', () => {
  it('reads cache reads and reasoning tokens from usage_metadata', () => {
    const msg = new AIMessage({
      content: 'x',
      usage_metadata: { input_tokens: 100, output_tokens: 50, total_tokens: 150, input_token_details: { cache_read: 40 }, output_token_details: { reasoning: 20 } },
    });
    expect(usageFromMessage(msg)).toEqual({ promptTokens: 100, completionTokens: 50, cachedPromptTokens: 40, reasoningTokens: 20 });
  });

  it("reads the raw usage of response_metadata: OpenRouter's cost and the token details", () => {
    const msg = new AIMessage({
      content: 'x',
      response_metadata: {
        usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, cost: 0.00042, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 10 } },
      },
    });
    expect(usageFromMessage(msg)).toEqual({ promptTokens: 120, completionTokens: 30, cachedPromptTokens: 64, reasoningTokens: 10, providerCostUsd: 0.00042 });
  });

  it('fills what usage_metadata lacks from the raw usage', () => {
    const msg = new AIMessage({
      content: 'x',
      usage_metadata: { input_tokens: 200, output_tokens: 20, total_tokens: 220 },
      response_metadata: { usage: { prompt_tokens: 200, completion_tokens: 20, cost: 0.001, prompt_tokens_details: { cached_tokens: 150 } } },
    });
    expect(usageFromMessage(msg)).toEqual({ promptTokens: 200, completionTokens: 20, cachedPromptTokens: 150, reasoningTokens: 0, providerCostUsd: 0.001 });
  });

  it('clamps details to their totals and ignores values that are not counts', () => {
    const msg = new AIMessage({
      content: 'x',
      response_metadata: { usage: { prompt_tokens: 10, completion_tokens: 'many', cost: -1, prompt_tokens_details: { cached_tokens: 99 }, completion_tokens_details: { reasoning_tokens: 5 } } },
    });
    expect(usageFromMessage(msg)).toEqual({ promptTokens: 10, completionTokens: 0, cachedPromptTokens: 10, reasoningTokens: 0 });
  });

  it('gives zeros when the model reported no usage', () => {
    expect(usageFromMessage(new AIMessage('x'))).toEqual({ promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, reasoningTokens: 0 });
  });
});

describe('usage recorded over HTTP', () => {
  it('records cached and reasoning tokens and prefers the provider cost the server reports', async () => {
    await withSim({}, async (sim) => {
      const cfg = modelsConfigFromEnv({ AIME_SIM_URL: quirkURL(sim, 'cached_usage;share=0.5,reasoning_usage;tokens=64,provider_cost;per1m=2') });
      const records: UsageRecord[] = [];
      const cb = createUsageCallback({ role: 'actor', model: 'sim', missionId: 'm-1' }, (u) => void records.push(u));
      await createChatModel(cfg, 'actor').invoke('count me', { callbacks: [cb] });
      expect(records).toHaveLength(1);
      const r = records[0]!;
      expect(r.cachedPromptTokens).toBe(Math.floor(r.promptTokens * 0.5));
      expect(r.reasoningTokens).toBe(64);
      expect(r.completionTokens).toBeGreaterThan(64);
      expect(r.costSource).toBe('provider');
      expect(r.costUsd).toBeCloseTo(((r.promptTokens + r.completionTokens) * 2) / 1e6, 12);
    });
  });
});
