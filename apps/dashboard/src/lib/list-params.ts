import { matchesMissionSearch, MissionStatus } from '@aime/protocol';
import type { MissionSortKey } from '@aime/protocol';

/** Columns the missions table sorts by. */
export const SORT_KEYS = ['createdAt', 'duration', 'tokens', 'cost', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** The missions list's filters, kept in the URL (`#/?status=failed&q=kyoto&sort=cost&dir=asc`) so a view can be shared and survives a reload. */
export interface ListParams {
  status?: MissionStatus;
  q: string;
  sort: SortKey;
  dir: 'asc' | 'desc';
}

export const DEFAULT_LIST_PARAMS: ListParams = { q: '', sort: 'createdAt', dir: 'desc' };

/** Reads the params from the hash's query; anything unknown falls back to the default. */
export function parseListParams(query: string): ListParams {
  const p = new URLSearchParams(query);
  const status = MissionStatus.safeParse(p.get('status'));
  const sort = (SORT_KEYS as readonly string[]).includes(p.get('sort') ?? '') ? (p.get('sort') as SortKey) : DEFAULT_LIST_PARAMS.sort;
  const dir = p.get('dir') === 'asc' ? 'asc' : p.get('dir') === 'desc' ? 'desc' : DEFAULT_LIST_PARAMS.dir;
  return { ...(status.success ? { status: status.data } : {}), q: p.get('q') ?? '', sort, dir };
}

/** The hash for these params (defaults left out). */
export function listHash(params: ListParams): string {
  const p = new URLSearchParams();
  if (params.status) p.set('status', params.status);
  if (params.q) p.set('q', params.q);
  if (params.sort !== DEFAULT_LIST_PARAMS.sort) p.set('sort', params.sort);
  if (params.dir !== DEFAULT_LIST_PARAMS.dir) p.set('dir', params.dir);
  const q = p.toString();
  return q ? `#/?${q}` : '#/';
}

/** Whether a mission matches the text search: goal, id or failure reason, case-insensitively (the server's own test). */
export function matchesSearch(m: { id: string; goal: string; error?: { message: string } | undefined }, q: string): boolean {
  return matchesMissionSearch(m, q);
}

/** The API's name of a table column's sort. */
export function apiSortKey(key: SortKey): MissionSortKey {
  return key === 'createdAt' ? 'created' : key;
}
