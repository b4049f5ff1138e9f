export { parseApiKeys, ApiKeysError, authenticate, bearerToken, isLoopback, principalOf, LOOPBACK_PRINCIPAL } from './auth.ts';
export type { AuthConfig, Principal } from './auth.ts';
export { buildApi } from './build-api.ts';
export type { ApiDeps } from './types.ts';
export { ApiError } from './errors.ts';
export { registerRateLimits, type RateLimits } from './rate-limit.ts';
export { apiLimitsFromEnv, DEFAULT_API_LIMITS, jsonDepth, LimitError, type ApiLimits, type RefusalReason } from './limits.ts';
