import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorResponse } from '@aime/protocol';
import { isStoreError } from '@aime/store';

/** An error the API answers with its own status and stable `code`. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string): ApiError => new ApiError(409, 'conflict', message);

/** One field problem of a 400 `validation_failed`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The status, headers and body the API answers for any thrown error. */
export interface ErrorReply {
  statusCode: number;
  body: ErrorResponse;
  headers?: Record<string, string>;
  /** True when this was not the client's fault and deserves an error log. */
  unexpected: boolean;
}

const reply = (statusCode: number, code: string, message: string, details?: unknown): ErrorReply => ({
  statusCode,
  body: { error: details === undefined ? { code, message } : { code, message, details } },
  unexpected: false,
});

function issuePath(instancePath: string, context: string | undefined): string {
  const path = instancePath.split('/').filter(Boolean).join('.');
  return path === '' ? (context ?? 'body') : path;
}

/**
 * Maps anything thrown in a request to the public error shape. Client mistakes (bad JSON,
 * wrong media type, too large) never become a 500; unknown errors become a bare `internal`
 * without message or stack, since those could carry internals.
 */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof ApiError) {
    return { ...reply(error.statusCode, error.code, error.message, error.details), ...(error.headers ? { headers: error.headers } : {}) };
  }
  if (isStoreError(error)) {
    // The store validates ids, cursors and existence; those are the client's to fix.
    if (error.code === 'not_found') return reply(404, 'not_found', error.message);
    if (error.code === 'invalid') return reply(400, 'validation_failed', error.message);
    if (error.code === 'conflict' || error.code === 'stale_write') return reply(409, 'conflict', error.message);
  }
  const e = error as Partial<FastifyError> & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details: FieldIssue[] = error.validation.map((v) => ({ path: issuePath(v.instancePath, e.validationContext), message: v.message ?? 'invalid' }));
    const first = details[0];
    return reply(400, 'validation_failed', first ? `${first.path}: ${first.message}` : 'invalid request', details);
  }
  if (Array.isArray(e.validation)) {
    const details: FieldIssue[] = e.validation.map((v) => ({ path: issuePath(v.instancePath ?? '', e.validationContext), message: v.message ?? 'invalid' }));
    return reply(400, 'validation_failed', e.message ?? 'invalid request', details);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply(413, 'payload_too_large', 'the request body is over the size limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply(415, 'unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply(400, 'validation_failed', 'the body is not valid JSON', [{ path: 'body', message: 'malformed JSON' }]);
    default:
      break;
  }
  // Fastify's own client errors (bad content length, URL too long...) keep their status.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 404) return reply(404, 'not_found', 'not found');
    if (e.statusCode === 413) return reply(413, 'payload_too_large', 'the request body is over the size limit');
    if (e.statusCode === 415) return reply(415, 'unsupported_media_type', 'send the body as application/json');
    if (error instanceof SyntaxError) return reply(400, 'validation_failed', 'the body is not valid JSON', [{ path: 'body', message: 'malformed JSON' }]);
    return reply(e.statusCode, 'bad_request', e.message ?? 'bad request');
  }
  return { ...reply(500, 'internal', 'internal error'), unexpected: true };
}
