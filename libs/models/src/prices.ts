/** Price of a model in USD per 1M tokens. */
export interface ModelPrice {
  promptPer1M: number;
  completionPer1M: number;
  /** Prompt tokens served from the provider's prompt cache. @default promptPer1M (no discount) */
  cachedPromptPer1M?: number;
}

/** Model name → price. Keys are wire model names (`gpt-4o-mini`), without `openai:`. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * Built-in list prices (USD per 1M tokens, standard tier, uncached input). They change;
 * override or extend them with `AIME_MODEL_PRICES`.
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o-mini': { promptPer1M: 0.15, completionPer1M: 0.6, cachedPromptPer1M: 0.075 },
  'gpt-4o': { promptPer1M: 2.5, completionPer1M: 10, cachedPromptPer1M: 1.25 },
  'gpt-4.1': { promptPer1M: 2, completionPer1M: 8, cachedPromptPer1M: 0.5 },
  'gpt-4.1-mini': { promptPer1M: 0.4, completionPer1M: 1.6, cachedPromptPer1M: 0.1 },
  'gpt-4.1-nano': { promptPer1M: 0.1, completionPer1M: 0.4, cachedPromptPer1M: 0.025 },
  'gpt-5': { promptPer1M: 1.25, completionPer1M: 10, cachedPromptPer1M: 0.125 },
  'gpt-5-mini': { promptPer1M: 0.25, completionPer1M: 2, cachedPromptPer1M: 0.025 },
  'gpt-5-nano': { promptPer1M: 0.05, completionPer1M: 0.4, cachedPromptPer1M: 0.005 },
  o3: { promptPer1M: 2, completionPer1M: 8, cachedPromptPer1M: 0.5 },
  'o3-mini': { promptPer1M: 1.1, completionPer1M: 4.4, cachedPromptPer1M: 0.55 },
  'o4-mini': { promptPer1M: 1.1, completionPer1M: 4.4, cachedPromptPer1M: 0.275 },
  'gpt-3.5-turbo': { promptPer1M: 0.5, completionPer1M: 1.5 },
};

const FREE: ModelPrice = { promptPer1M: 0, completionPer1M: 0 };

function isSim(name: string): boolean {
  return name === 'sim' || name.startsWith('sim:') || name.startsWith('sim-');
}

/**
 * The price of a model given as a spec (`openai:gpt-4o-mini`, `sim`) or a wire name. A dated
 * snapshot (`gpt-4o-mini-2024-07-18`) takes the price of its longest listed prefix. The
 * simulated model is free unless the table prices it (budget tests may). Unknown models:
 * undefined, so a caller can warn.
 */
export function priceOf(model: string, prices: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  const name = model.startsWith('openai:') ? model.slice('openai:'.length) : model;
  const exact = prices[model] ?? prices[name];
  if (exact) return exact;
  if (isSim(model)) return FREE;
  let best: string | undefined;
  for (const key of Object.keys(prices)) {
    if (name.startsWith(`${key}-`) && (!best || key.length > best.length)) best = key;
  }
  return best ? prices[best] : undefined;
}

/**
 * Cost in USD of one call. Unknown models cost 0 (use {@link priceOf} to tell them apart).
 * Cached prompt tokens are part of `promptTokens` (OpenAI's usage semantics) and are priced
 * at the cached price; reasoning tokens are part of `completionTokens`.
 * @param prices @default DEFAULT_PRICES
 * @param cachedPromptTokens @default 0
 */
export function costOf(model: string, promptTokens: number, completionTokens: number, prices: PriceTable = DEFAULT_PRICES, cachedPromptTokens = 0): number {
  const price = priceOf(model, prices);
  if (!price) return 0;
  const cached = Math.min(Math.max(0, cachedPromptTokens), promptTokens);
  const cachedPrice = price.cachedPromptPer1M ?? price.promptPer1M;
  return ((promptTokens - cached) * price.promptPer1M + cached * cachedPrice + completionTokens * price.completionPer1M) / 1_000_000;
}
