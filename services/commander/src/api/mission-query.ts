import { matchesMissionSearch, MISSION_SCAN_LIMIT, statusRank, type MissionSortKey, type MissionStatus, type MissionTotalsResponse, type SortDirection } from '@aime/protocol';
import { missionElapsedMs } from '@aime/core/views';
import type { MissionRecord, MissionStore } from '@aime/store';
import { ApiError } from './errors.ts';

/** Records read per listing page while scanning (the store's largest page). */
const SCAN_PAGE = 1000;

/** The fields a search, a sort and the totals read. */
export type QueryRecord = Pick<MissionRecord, 'id' | 'goal' | 'status' | 'createdAt' | 'updatedAt' | 'usage' | 'error'>;

/** Whether the list must be scanned: anything but newest first without a search. */
export function needsScan(q: { sort: MissionSortKey; dir: SortDirection; q?: string | undefined }): boolean {
  return q.sort !== 'created' || q.dir !== 'desc' || (q.q ?? '') !== '';
}

/**
 * The `limit` most recent missions of a listing index (newest first), and whether more exist.
 * Reads pages of the index as a list does, so stale entries are repaired on the way.
 */
export async function scanMissions(
  store: Pick<MissionStore, 'listMissions'>,
  filter: { owner?: string | undefined; status?: MissionStatus | undefined },
  limit = MISSION_SCAN_LIMIT,
): Promise<{ records: MissionRecord[]; truncated: boolean }> {
  const records: MissionRecord[] = [];
  let cursor: string | undefined;
  while (records.length < limit) {
    const page = await store.listMissions({ ...filter, limit: Math.min(SCAN_PAGE, limit - records.length), ...(cursor ? { cursor } : {}) });
    records.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return { records, truncated: false };
  }
  return { records, truncated: true };
}

function sortValue(r: QueryRecord, key: MissionSortKey, now: number): number {
  switch (key) {
    case 'created':
      return Date.parse(r.createdAt);
    case 'duration':
      return missionElapsedMs(r, now);
    case 'tokens':
      return r.usage.promptTokens + r.usage.completionTokens;
    case 'cost':
      return r.usage.costUsd;
    case 'status':
      return statusRank(r.status);
  }
}

/**
 * The missions matching `q`, ordered by `sort` in `dir`; ties newest first, then by id, so
 * every page of one query sees the same order. Pure.
 */
export function queryMissions<R extends QueryRecord>(records: readonly R[], opts: { sort: MissionSortKey; dir: SortDirection; q?: string | undefined }, now: number): R[] {
  const sign = opts.dir === 'asc' ? 1 : -1;
  const keyed = records.filter((r) => matchesMissionSearch(r, opts.q)).map((r) => ({ r, v: sortValue(r, opts.sort, now), t: Date.parse(r.createdAt) }));
  keyed.sort((a, b) => (a.v - b.v) * sign || b.t - a.t || (a.r.id < b.r.id ? 1 : a.r.id > b.r.id ? -1 : 0));
  return keyed.map((k) => k.r);
}

/** What the missions used together. Pure. */
export function missionTotals(records: readonly QueryRecord[], truncated: boolean): MissionTotalsResponse {
  const t: MissionTotalsResponse = { missions: records.length, promptTokens: 0, completionTokens: 0, costUsd: 0, costKnown: true, truncated };
  for (const r of records) {
    t.promptTokens += r.usage.promptTokens;
    t.completionTokens += r.usage.completionTokens;
    t.costUsd += r.usage.costUsd;
    if (!r.usage.costKnown) t.costKnown = false;
  }
  // Sums of many float costs drift in the last digits: round to a millionth of a dollar.
  t.costUsd = Math.round(t.costUsd * 1e6) / 1e6;
  return t;
}

const OFFSET_CURSOR = /^o(\d{1,7})$/;

/** The cursor of a scanned list: the offset of the next page. */
export function offsetCursor(offset: number): string {
  return `o${offset}`;
}

/** @throws ApiError 400 for a cursor this kind of list did not give. */
export function readOffsetCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = OFFSET_CURSOR.exec(cursor);
  if (!m) throw new ApiError(400, 'validation_failed', 'cursor is not one this list returned (a sorted or searched list pages with its own cursors)', [{ path: 'cursor', message: 'not a cursor of this list' }]);
  return Number(m[1]);
}
