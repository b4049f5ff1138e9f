export {
  parseApiKeys,
  createAuth,
  generateOperatorToken,
  mayDecideApprovals,
  ApiKeysError,
  authenticate,
  bearerToken,
  isLoopback,
  principalOf,
  LOOPBACK_PRINCIPAL,
  MIN_KEY_LENGTH,
} from './auth.ts';
export type { AuthConfig, AuthOptions, KeyEntry, Principal } from './auth.ts';
export { AuthFailureLimiter } from './auth-failures.ts';
export { createWebGuard, refuseRequest, type WebGuard, type WebSecurityOptions } from './web-guard.ts';
export { buildApi } from './build-api.ts';
export type { ApiDeps } from './types.ts';
export { ApiError } from './errors.ts';
export { registerRateLimits, type RateLimits } from './rate-limit.ts';
export { apiLimitsFromEnv, DEFAULT_API_LIMITS, jsonDepth, LimitError, type ApiLimits, type RefusalReason } from './limits.ts';
