import {
  Approval,
  CreateMissionResponse,
  errorMessage,
  ErrorResponse,
  ExternalEventResponse,
  LedgerResponse,
  TranscriptResponse,
  ListApprovalInboxResponse,
  ListApprovalsResponse,
  ListMissionsResponse,
  Mission,
  MissionCountsResponse,
  MissionTotalsResponse,
} from '@aime/protocol';
import type { ApprovalDecisionRequest, CreateMissionRequest, ExternalEventRequest, MissionSortKey, MissionStatus, SortDirection } from '@aime/protocol';
import { getApiKey } from './api-key.ts';

/** A failed API call, with the server's stable error `code` (or `network_error`/`bad_response`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The message to show for an error, with a hint for the cases an operator can fix. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'This server needs an API key: open the dashboard URL that `npm start` printed (it carries the operator token), or enter a key in the "API key" field at the top.';
    if (err.status === 403) return 'Your API key may not do this (an operator key is needed).';
    return err.message;
  }
  return errorMessage(err);
}

/** The part of a zod schema used here, so the dashboard needs no direct zod dependency. */
interface Schema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { message: string }[] } };
}

async function request<T>(schema: Schema<T>, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const key = getApiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  // The server refuses state changes without a JSON content type (a cross-site form cannot send one).
  if (body !== undefined || method !== 'GET') headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'network_error', `Cannot reach the server: ${errorMessage(err)}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const parsed = ErrorResponse.safeParse(json);
    if (parsed.success) throw new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
    throw new ApiError(res.status, res.status === 401 ? 'unauthorized' : 'http_error', `${method} ${path} failed with HTTP ${res.status}`);
  }
  // Parse at the boundary: a server of another version fails loudly here, not deep in a component.
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `Unexpected answer from ${method} ${path}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

const enc = encodeURIComponent;

/** The REST calls of API.md used by the dashboard. */
export const api = {
  listMissions(q: { status?: MissionStatus; limit?: number; cursor?: string; sort?: MissionSortKey; dir?: SortDirection; q?: string }) {
    const p = new URLSearchParams();
    if (q.status) p.set('status', q.status);
    p.set('limit', String(q.limit ?? 50));
    if (q.cursor) p.set('cursor', q.cursor);
    if (q.sort && q.sort !== 'created') p.set('sort', q.sort);
    if (q.dir && q.dir !== 'desc') p.set('dir', q.dir);
    if (q.q) p.set('q', q.q);
    return request(ListMissionsResponse, 'GET', `/v1/missions?${p.toString()}`);
  },
  missionCounts() {
    return request(MissionCountsResponse, 'GET', '/v1/missions/counts');
  },
  missionTotals(q: { status?: MissionStatus; q?: string }) {
    const p = new URLSearchParams();
    if (q.status) p.set('status', q.status);
    if (q.q) p.set('q', q.q);
    return request(MissionTotalsResponse, 'GET', `/v1/missions/totals?${p.toString()}`);
  },
  getMission(id: string) {
    return request(Mission, 'GET', `/v1/missions/${enc(id)}`);
  },
  createMission(body: CreateMissionRequest) {
    return request(CreateMissionResponse, 'POST', '/v1/missions', body);
  },
  control(id: string, action: 'pause' | 'resume' | 'cancel', reason?: string) {
    return request(Mission, 'POST', `/v1/missions/${enc(id)}/${action}`, reason ? { reason } : undefined);
  },
  transcript(id: string, actorId: string) {
    return request(TranscriptResponse, 'GET', `/v1/missions/${enc(id)}/actors/${enc(actorId)}/transcript`);
  },
  ledger(id: string) {
    return request(LedgerResponse, 'GET', `/v1/missions/${enc(id)}/ledger`);
  },
  approvalInbox() {
    return request(ListApprovalInboxResponse, 'GET', '/v1/approvals');
  },
  injectEvent(id: string, body: ExternalEventRequest) {
    return request(ExternalEventResponse, 'POST', `/v1/missions/${enc(id)}/events`, body);
  },
  listApprovals(id: string) {
    return request(ListApprovalsResponse, 'GET', `/v1/missions/${enc(id)}/approvals`);
  },
  decideApproval(approvalId: string, body: ApprovalDecisionRequest) {
    return request(Approval, 'POST', `/v1/approvals/${enc(approvalId)}`, body);
  },
};
