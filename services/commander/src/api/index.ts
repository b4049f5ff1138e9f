export { parseApiKeys, ApiKeysError, authenticate, bearerToken, isLoopback, principalOf, LOOPBACK_PRINCIPAL } from './auth.ts';
export type { AuthConfig, Principal } from './auth.ts';
export { buildApi } from './build-api.ts';
export type { ApiDeps } from './types.ts';
export { ApiError } from './errors.ts';
export { RateLimiter } from './rate-limit.ts';
