import { z } from 'zod';
import { MissionStatus } from './mission.ts';

/**
 * How `GET /v1/missions` orders the list: `created` is the listing index's own order; the
 * others sort a bounded scan of the filtered index (see `MISSION_SCAN_LIMIT`).
 */
export const MissionSortKey = z.enum(['created', 'duration', 'tokens', 'cost', 'status']);
export type MissionSortKey = z.infer<typeof MissionSortKey>;

export const SortDirection = z.enum(['asc', 'desc']);
export type SortDirection = z.infer<typeof SortDirection>;

/**
 * The most recent missions of the filtered listing index a search, a sort other than newest
 * first, or the totals read at most; an answer that stopped there says `truncated: true`.
 */
export const MISSION_SCAN_LIMIT = 5000;

/** Whether a mission matches a text search: its goal, id or failure reason contains `q`, case-insensitively. */
export function matchesMissionSearch(m: { id: string; goal: string; error?: { message: string } | undefined }, q: string | undefined): boolean {
  const needle = (q ?? '').trim().toLowerCase();
  if (!needle) return true;
  return m.goal.toLowerCase().includes(needle) || m.id.toLowerCase().includes(needle) || (m.error?.message.toLowerCase().includes(needle) ?? false);
}

/** Where a status sorts: the order of `MissionStatus` (queued first, cancelled last). */
export function statusRank(status: MissionStatus): number {
  return MissionStatus.options.indexOf(status);
}
