export { AimeClient, createClient, type AimeClientOptions, type AwaitOptions, type ControlOptions, type ListOptions } from './client.ts';
export { AimeError, CLIENT_ERROR_CODES } from './errors.ts';
export { type ConnectionChange, type RetryOptions, type StreamOptions } from './sse.ts';
