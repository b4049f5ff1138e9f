import { ErrorResponse } from '@aime/protocol';
import { abortedError, AimeError, CLIENT_ERROR_CODES, isAbort } from './errors.ts';

/** The part of a zod schema the client uses, so callers need no zod of their own. */
export interface Schema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { message: string; path: readonly PropertyKey[] }[] } };
}

/** How to reach the server: resolved once from the client's options. */
export interface Transport {
  /** Base URL without a trailing slash; '' means the page's own origin (browser). */
  baseUrl: string;
  /** The API key, read at each request (a dashboard may change it). */
  apiKey: () => string | undefined;
  fetch: typeof fetch;
}

/** Headers of every request: the key as a bearer token; a JSON content type on state changes. */
export function headersFor(t: Transport, method: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  const key = t.apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  // The server refuses state changes without a JSON content type (a cross-site form cannot send one).
  if (method !== 'GET') headers['content-type'] = 'application/json';
  return headers;
}

/** The AimeError for a non-2xx answer: the server's code and message when it sent them. */
export async function errorFromResponse(res: Response, what: string): Promise<AimeError> {
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch {
    json = undefined;
  }
  const parsed = ErrorResponse.safeParse(json);
  if (parsed.success) return new AimeError(parsed.data.error.code, parsed.data.error.message, res.status, parsed.data.error.details);
  const code = res.status === 401 ? 'unauthorized' : res.status === 404 ? 'not_found' : res.status === 429 ? 'rate_limited' : 'http_error';
  return new AimeError(code, `${what} answered HTTP ${res.status}`, res.status);
}

export function networkError(err: unknown, t: Transport): AimeError {
  const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
  return new AimeError(CLIENT_ERROR_CODES.network, `cannot reach the server at ${t.baseUrl || 'this origin'}: ${cause}`, 0, undefined, { cause: err });
}

/** One JSON request, its answer parsed with `schema` at the boundary. */
export async function requestJson<T>(t: Transport, schema: Schema<T>, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const what = `${method} ${path}`;
  let res: Response;
  try {
    res = await t.fetch(`${t.baseUrl}${path}`, {
      method,
      headers: headersFor(t, method),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    throw isAbort(err, signal) ? abortedError() : networkError(err, t);
  }
  if (!res.ok) throw await errorFromResponse(res, what);
  let json: unknown;
  try {
    const text = await res.text();
    json = text ? JSON.parse(text) : undefined;
  } catch (err) {
    if (isAbort(err, signal)) throw abortedError();
    throw new AimeError(CLIENT_ERROR_CODES.badResponse, `${what} answered with a body that is not JSON`, res.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
    throw new AimeError(CLIENT_ERROR_CODES.badResponse, `unexpected answer from ${what}${at}: ${issue?.message ?? 'invalid'}`, res.status);
  }
  return parsed.data;
}

/** A query string from the defined values, with its leading `?` (or '' when empty). */
export function query(values: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
