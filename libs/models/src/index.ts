export type { ModelRole } from './roles.ts';
export { MODEL_ROLES } from './roles.ts';
export { ModelConfigError } from './errors.ts';
export { parseModelSpec } from './spec.ts';
export type { ModelSpec } from './spec.ts';
export {
  modelsConfigFromEnv,
  describeModelsConfig,
  modelInfo,
  DEFAULT_SIM_URL,
  DEFAULT_MODEL_TIMEOUT_MS,
  DEFAULT_MODEL_MAX_RETRIES,
  DEFAULT_OPENAI_MODEL,
} from './config.ts';
export type { ModelsConfig, ModelsConfigDescription } from './config.ts';
export { DEFAULT_PRICES, costOf, priceOf } from './prices.ts';
export type { ModelPrice, PriceTable } from './prices.ts';
export { createChatModel } from './chat-model.ts';
export type { ChatModelOptions } from './chat-model.ts';
export { createFailedAttemptHandler, retryAfterMsFrom, DEFAULT_MAX_RETRY_AFTER_MS } from './retry.ts';
export type { RetryContext } from './retry.ts';
export { UsageRecorder, createUsageCallback, usageFromMessage } from './usage.ts';
export type { UsageAttribution, UsageRecord, UsageSink } from './usage.ts';
