import { isActiveMissionStatus } from '@aime/protocol';
import type { MissionStatus } from '@aime/protocol';

/** A `mission.status` change: when, and what the mission became. */
export interface StatusChange {
  ts: string;
  to: MissionStatus;
}

/**
 * Milliseconds a mission has worked: from `createdAt` to its end (`updatedAt` once finished,
 * or paused) or `now`, less the time it spent paused when the status changes are known. The
 * clock stops while a mission is paused and when it ends.
 */
export function missionElapsedMs(
  m: { createdAt: string; updatedAt: string; status: MissionStatus },
  now: number,
  changes: readonly StatusChange[] = [],
): number {
  const start = Date.parse(m.createdAt);
  const stopped = !isActiveMissionStatus(m.status);
  const end = stopped ? Date.parse(m.updatedAt) : now;
  let pausedMs = 0;
  let pausedAt: number | undefined;
  for (const c of changes) {
    const t = Date.parse(c.ts);
    if (Number.isNaN(t) || t > end) continue;
    if (c.to === 'paused') pausedAt ??= t;
    else if (pausedAt !== undefined) {
      pausedMs += t - pausedAt;
      pausedAt = undefined;
    }
  }
  return Math.max(0, end - start - pausedMs);
}
