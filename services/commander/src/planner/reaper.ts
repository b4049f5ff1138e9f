import type { MissionStatus } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import type { Logger } from 'pino';

/** The statuses in which a mission must have live work; paused and awaiting_approval wait for a human. */
const ACTIVE: readonly MissionStatus[] = ['queued', 'planning', 'running'];
/** Ids read per index page. */
const PAGE = 200;

/**
 * One reaper pass: wakes the planner for every active mission with no event for `idleMs`.
 * It walks the per-status indexes only, and per mission reads just its last event id, so a
 * pass costs O(active missions), never O(all missions ever created).
 */
export async function reapIdleMissions(store: MissionStore, wake: (id: string, reason: string) => Promise<void>, idleMs: number, now: () => number = Date.now): Promise<number> {
  let woken = 0;
  for (const status of ACTIVE) {
    let cursor: string | undefined;
    do {
      const page = await store.listMissionIds({ status, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) });
      cursor = page.nextCursor;
      for (const id of page.ids) {
        const last = await store.lastEventId(id);
        // Every mission has its mission.created event; a trimmed-away stream counts as idle.
        const lastMs = last ? Number(last.split('-')[0]) : 0;
        if (now() - lastMs > idleMs) {
          await wake(id, 'reaper');
          woken++;
        }
      }
    } while (cursor !== undefined);
  }
  return woken;
}

/** Removes the missions whose retention ended from the listing indexes (their keys expired by TTL). */
export async function sweepRetention(store: MissionStore, logger: Pick<Logger, 'info'>): Promise<void> {
  for (;;) {
    const gone = await store.sweepExpired();
    if (gone.length === 0) return;
    logger.info({ missions: gone.length }, 'expired missions removed from the indexes');
  }
}
