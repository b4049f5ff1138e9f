import type { MissionStatus, MissionSummary } from '@aime/protocol';

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** True when `b` is at least as recent as `a` (a socket update of the same instant wins over REST). */
function isNewerOrSame(a: MissionSummary, b: MissionSummary): boolean {
  return time(b.updatedAt) >= time(a.updatedAt);
}

/**
 * Folds socket `mission` updates into a map of the latest summary per mission. An update
 * older than the one held is ignored: socket and REST answers can cross on the wire.
 */
export function upsertSummaries(
  held: ReadonlyMap<string, MissionSummary>,
  updates: readonly MissionSummary[],
): Map<string, MissionSummary> {
  const next = new Map(held);
  for (const u of updates) {
    const cur = next.get(u.id);
    if (!cur || isNewerOrSame(cur, u)) next.set(u.id, u);
  }
  return next;
}

/**
 * The missions list as shown: the REST page with live updates merged over it, newest
 * first, filtered by status after merging so a mission that changes status moves in or
 * out of a filtered list.
 */
export function mergeSummaries(
  rest: readonly MissionSummary[],
  live: ReadonlyMap<string, MissionSummary>,
  status?: MissionStatus,
): MissionSummary[] {
  const byId = new Map<string, MissionSummary>();
  for (const s of rest) byId.set(s.id, s);
  for (const s of live.values()) {
    const cur = byId.get(s.id);
    if (!cur || isNewerOrSame(cur, s)) byId.set(s.id, s);
  }
  const out = [...byId.values()].filter((s) => !status || s.status === status);
  out.sort((a, b) => time(b.createdAt) - time(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return out;
}
