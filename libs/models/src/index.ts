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
export { ModelsFileSection, REASONING_EFFORTS, isReasoningModel, roleSettings } from './role-settings.ts';
export type { RoleSettings, ReasoningEffort } from './role-settings.ts';
export { DEFAULT_PRICES, costOf, priceOf } from './prices.ts';
export type { ModelPrice, PriceTable } from './prices.ts';
export { createChatModel, resolveEndpoint, RawChatOpenAI } from './chat-model.ts';
export type { ChatModelOptions, ResolvedEndpoint } from './chat-model.ts';
export { createFailedAttemptHandler, retryAfterMsFrom, DEFAULT_MAX_RETRY_AFTER_MS } from './retry.ts';
export type { RetryContext } from './retry.ts';
export { UsageRecorder, createUsageCallback, usageFromMessage, priceCall } from './usage.ts';
export type { CallTokens, UsageAttribution, UsageRecord, UsageSink } from './usage.ts';
export { OUTPUT_MODES, EndpointMemory, endpointMemory, nextMode, unsupportedFeature } from './output-mode.ts';
export type { OutputMode, Unsupported } from './output-mode.ts';
export { extractJson, stripReasoning } from './extract-json.ts';
export type { Extracted } from './extract-json.ts';
export { StructuredModel, messageText } from './structured.ts';
export type { ChatTurn, StructuredModelOptions, StructuredRequest, StructuredResult } from './structured.ts';
export { AdaptiveChatModel, contextWarning } from './adaptive.ts';
export type { AdaptiveAnswer, AdaptiveCallOptions, AdaptiveChatModelOptions, NoticeLogger } from './adaptive.ts';
export { estimateTokens } from './tokens.ts';
