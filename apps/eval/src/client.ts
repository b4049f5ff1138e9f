import type { Approval, Budget, Event, Mission } from '@aime/protocol';

/** The REST calls the harness makes (docs/API.md), against the in-process stack or a running server. */
export interface ApiClient {
  submit(body: { goal: string; context?: Record<string, unknown>; budget?: Budget; metadata?: Record<string, unknown> }): Promise<string>;
  mission(id: string): Promise<Mission>;
  events(id: string): Promise<Event[]>;
  approvals(id: string): Promise<Approval[]>;
  decide(approvalId: string, decision: 'approve' | 'reject', note: string): Promise<void>;
  cancel(id: string): Promise<void>;
}

/** Options of `createApiClient`. */
export interface ApiClientOptions {
  /** The server's base URL, e.g. http://127.0.0.1:7400. */
  url: string;
  /** Sent as `authorization: Bearer <key>` when the server has `AIME_API_KEYS` (role operator, for approvals). */
  apiKey?: string;
}

/** A REST error with the server's status and body, so the goal's row says what went wrong. */
export class ApiError extends Error {
  readonly code = 'eval_api';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const EVENTS_PAGE = 1000;

/** A small fetch-based client for the public API. */
export function createApiClient(opts: ApiClientOptions): ApiClient {
  const base = opts.url.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, `${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return {
    async submit(body) {
      return (await call<{ id: string }>('POST', '/v1/missions', body)).id;
    },
    mission: (id) => call<Mission>('GET', `/v1/missions/${encodeURIComponent(id)}`),
    async events(id) {
      const all: Event[] = [];
      for (let after: string | undefined; ; ) {
        const q = `limit=${EVENTS_PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
        const page = await call<{ items: Event[] }>('GET', `/v1/missions/${encodeURIComponent(id)}/events?${q}`);
        all.push(...page.items);
        if (page.items.length < EVENTS_PAGE) return all;
        after = page.items.at(-1)!.id;
      }
    },
    async approvals(id) {
      return (await call<{ items: Approval[] }>('GET', `/v1/missions/${encodeURIComponent(id)}/approvals`)).items;
    },
    async decide(approvalId, decision, note) {
      await call('POST', `/v1/approvals/${encodeURIComponent(approvalId)}`, { decision, note });
    },
    async cancel(id) {
      await call('POST', `/v1/missions/${encodeURIComponent(id)}/cancel`);
    },
  };
}
