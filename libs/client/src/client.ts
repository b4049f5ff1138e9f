import {
  Approval,
  CreateMissionResponse,
  errorMessage,
  ExternalEventResponse,
  isTerminalMissionStatus,
  ListApprovalInboxResponse,
  ListApprovalsResponse,
  ListMissionsResponse,
  ListToolsResponse,
  Mission,
  parseEvent,
  type Bundle,
  type CreateMissionRequest,
  type Event,
  type MissionStatus,
  type MissionSummary,
} from '@aime/protocol';
import { abortedError, AimeError, CLIENT_ERROR_CODES } from './errors.ts';
import { query, requestJson, sleep, type Schema, type Transport } from './http.ts';
import { streamEvents, type StreamOptions } from './sse.ts';

/** Options of {@link AimeClient}. */
export interface AimeClientOptions {
  /** The server, e.g. `http://127.0.0.1:7400`. @default '' (the page's own origin, in a browser) */
  url?: string;
  /** Sent as `Authorization: Bearer <key>`; a function is read at every request. */
  apiKey?: string | (() => string | undefined);
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface ListOptions {
  status?: MissionStatus;
  /** 1..200. @default 50 (server side) */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  signal?: AbortSignal;
}

export interface ControlOptions {
  /** Why: kept in the mission's `mission.status` event. */
  reason?: string;
  signal?: AbortSignal;
}

export interface AwaitOptions {
  signal?: AbortSignal;
  /** Called with each event as it arrives (the backlog first). */
  onEvent?: (event: Event) => void;
  /** Give up with an AimeError `timeout` after this long. @default no limit */
  timeoutMs?: number;
  retry?: StreamOptions['retry'];
}

// A raw page: each event is parsed on its own below, so a type from a newer server stays readable.
const EventPage: Schema<{ items: unknown[] }> = {
  safeParse(input) {
    const items = (input as { items?: unknown } | null)?.items;
    return Array.isArray(items) ? { success: true, data: { items } } : { success: false, error: { issues: [{ message: 'expected { items: Event[] }', path: ['items'] }] } };
  },
};

const enc = encodeURIComponent;

/**
 * A typed client of the Aime Runtime API (docs/API.md): every answer is parsed with the
 * protocol's schemas, every failure is an {@link AimeError} with a stable `code`. Runs in
 * Node 20+ and in browsers (it needs only `fetch` and web streams).
 */
export class AimeClient {
  readonly #t: Transport;

  constructor(opts: AimeClientOptions = {}) {
    const key = opts.apiKey;
    const fetchImpl = opts.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new AimeError('invalid_options', 'no fetch available: pass options.fetch');
    this.#t = {
      baseUrl: (opts.url ?? '').replace(/\/+$/, ''),
      apiKey: typeof key === 'function' ? key : () => key,
      // Called unbound, as a browser's fetch must be.
      fetch: (input, init) => fetchImpl(input, init),
    };
  }

  /** The server's base URL ('' for the page's origin). */
  get url(): string {
    return this.#t.baseUrl;
  }

  /** `POST /v1/missions`: submits a goal; the mission starts planning at once. */
  submit(request: CreateMissionRequest, signal?: AbortSignal): Promise<CreateMissionResponse> {
    return requestJson(this.#t, CreateMissionResponse, 'POST', '/v1/missions', request, signal);
  }

  /** `GET /v1/missions`: one page, newest first; pass `nextCursor` back as `cursor` for the next. */
  list(opts: ListOptions = {}): Promise<ListMissionsResponse> {
    return requestJson(this.#t, ListMissionsResponse, 'GET', `/v1/missions${query({ status: opts.status, limit: opts.limit, cursor: opts.cursor })}`, undefined, opts.signal);
  }

  /** Every mission matching `opts`, page after page. */
  async *listAll(opts: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<MissionSummary, void, undefined> {
    for (let cursor: string | undefined; ; ) {
      const page = await this.list({ ...opts, ...(cursor ? { cursor } : {}) });
      yield* page.items;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /** `GET /v1/missions/:id`: the mission with its tasks, usage and progress Markdown. */
  get(id: string, signal?: AbortSignal): Promise<Mission> {
    return requestJson(this.#t, Mission, 'GET', `/v1/missions/${enc(id)}`, undefined, signal);
  }

  /** `GET /v1/missions/:id/events`: one page of events after `after` (all from the start when omitted). */
  async events(id: string, opts: { after?: string; limit?: number; signal?: AbortSignal } = {}): Promise<Event[]> {
    const page = await requestJson(this.#t, EventPage, 'GET', `/v1/missions/${enc(id)}/events${query({ after: opts.after, limit: opts.limit })}`, undefined, opts.signal);
    try {
      return page.items.map(parseEvent);
    } catch (err) {
      throw new AimeError(CLIENT_ERROR_CODES.badResponse, `an event of mission ${id} is not valid: ${errorMessage(err).slice(0, 200)}`, 200);
    }
  }

  /** Every event stored so far, page after page (no waiting for new ones: see {@link stream}). */
  async *allEvents(id: string, opts: { after?: string; pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<Event, void, undefined> {
    const limit = opts.pageSize ?? 500;
    for (let after = opts.after; ; ) {
      const page = await this.events(id, { limit, ...(after ? { after } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
      yield* page;
      if (page.length < limit) return;
      after = page.at(-1)!.id;
    }
  }

  /**
   * The live event stream of a mission over SSE, resumed from the last event id after a
   * dropped connection; ends after `mission.finished`. See {@link streamEvents}.
   */
  stream(id: string, opts: StreamOptions = {}): AsyncGenerator<Event, void, undefined> {
    return streamEvents(this.#t, id, opts);
  }

  /** `POST /v1/missions/:id/events`: an outside event; the planner replans with it. */
  inject(id: string, message: string, data?: Record<string, unknown>, signal?: AbortSignal): Promise<{ eventId: string }> {
    return requestJson(this.#t, ExternalEventResponse, 'POST', `/v1/missions/${enc(id)}/events`, { type: 'external', message, ...(data ? { data } : {}) }, signal);
  }

  /** `POST /v1/missions/:id/pause`: running actors finish their step; nothing new is dispatched. */
  pause(id: string, opts: ControlOptions = {}): Promise<Mission> {
    return this.#control(id, 'pause', opts);
  }

  /** `POST /v1/missions/:id/resume`: a paused mission plans and dispatches again. */
  resume(id: string, opts: ControlOptions = {}): Promise<Mission> {
    return this.#control(id, 'resume', opts);
  }

  /** `POST /v1/missions/:id/cancel`: stops the mission and its actors for good. */
  cancel(id: string, opts: ControlOptions = {}): Promise<Mission> {
    return this.#control(id, 'cancel', opts);
  }

  /** `GET /v1/missions/:id/approvals`: the mission's approvals, pending and decided. */
  async approvals(id: string, signal?: AbortSignal): Promise<Approval[]> {
    return (await requestJson(this.#t, ListApprovalsResponse, 'GET', `/v1/missions/${enc(id)}/approvals`, undefined, signal)).items;
  }

  /** `GET /v1/approvals`: every pending approval across the missions the key may see, oldest first. */
  pendingApprovals(opts: { limit?: number; signal?: AbortSignal } = {}): Promise<ListApprovalInboxResponse> {
    return requestJson(this.#t, ListApprovalInboxResponse, 'GET', `/v1/approvals${query({ limit: opts.limit })}`, undefined, opts.signal);
  }

  approve(approvalId: string, note?: string, signal?: AbortSignal): Promise<Approval> {
    return this.#decide(approvalId, 'approve', note, signal);
  }

  reject(approvalId: string, note?: string, signal?: AbortSignal): Promise<Approval> {
    return this.#decide(approvalId, 'reject', note, signal);
  }

  /** `GET /v1/tools`: the bundles live workers can serve now. */
  async tools(signal?: AbortSignal): Promise<Bundle[]> {
    return (await requestJson(this.#t, ListToolsResponse, 'GET', '/v1/tools', undefined, signal)).bundles;
  }

  /**
   * Waits until the mission has finished (succeeded, failed or cancelled) and returns it,
   * following its live event stream (resumed across dropped connections).
   */
  async awaitMission(id: string, opts: AwaitOptions = {}): Promise<Mission> {
    const own = new AbortController();
    const forward = () => own.abort();
    opts.signal?.addEventListener('abort', forward, { once: true });
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(forward, opts.timeoutMs);
    const stopped = () => {
      if (opts.signal?.aborted) return abortedError();
      return new AimeError(CLIENT_ERROR_CODES.timeout, `mission ${id} did not finish within ${opts.timeoutMs} ms`);
    };
    try {
      let mission = await this.get(id, own.signal);
      if (isTerminalMissionStatus(mission.status)) return mission;
      for await (const event of this.stream(id, { signal: own.signal, ...(opts.retry ? { retry: opts.retry } : {}) })) opts.onEvent?.(event);
      if (own.signal.aborted) throw stopped();
      // `mission.finished` is written with the final status; a read racing a replica may lag a moment.
      for (let i = 0; ; i++) {
        mission = await this.get(id, own.signal);
        if (isTerminalMissionStatus(mission.status) || i >= 50) return mission;
        await sleep(100, own.signal);
      }
    } catch (err) {
      if (own.signal.aborted) throw stopped();
      throw err;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', forward);
    }
  }

  #control(id: string, action: 'pause' | 'resume' | 'cancel', opts: ControlOptions): Promise<Mission> {
    const body = opts.reason ? { reason: opts.reason } : {};
    return requestJson(this.#t, Mission, 'POST', `/v1/missions/${enc(id)}/${action}`, body, opts.signal);
  }

  #decide(approvalId: string, decision: 'approve' | 'reject', note: string | undefined, signal?: AbortSignal): Promise<Approval> {
    return requestJson(this.#t, Approval, 'POST', `/v1/approvals/${enc(approvalId)}`, { decision, ...(note !== undefined ? { note } : {}) }, signal);
  }
}

/** Shorthand for `new AimeClient(opts)`. */
export function createClient(opts: AimeClientOptions = {}): AimeClient {
  return new AimeClient(opts);
}
