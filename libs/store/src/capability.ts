import { createHash } from 'node:crypto';
import { CAPABILITY_WAIT_REASON, QUEUES } from '@aime/protocol';
import type { WorkerAdvert } from './types.ts';

/**
 * The key of a set of bundles: the first 10 hex chars of the sha1 of the sorted, de-duplicated
 * names joined by ','. Workers with the same bundles share a key, hence a queue.
 */
export function capabilityKey(bundles: readonly string[]): string {
  const names = [...new Set(bundles)].sort();
  return createHash('sha1').update(names.join(',')).digest('hex').slice(0, 10);
}

/** The actor queue consumed by workers that serve exactly these bundles: `aime-actors-<capKey>`. */
export function capabilityQueue(bundles: readonly string[]): string {
  return `${QUEUES.actors}-${capabilityKey(bundles)}`;
}

/** Where an actor job needing some bundles can run, or why it cannot. */
export type ActorRoute =
  | { ok: true; queue: string; workers: number }
  | { ok: false; missing: string[]; reason: string };

/**
 * Picks the queue for an actor job that needs `bundles`: among queues whose live workers serve
 * every one of them, the queue served by the most live workers, then the first by name (so
 * every factory picks the same one). When none fits, names the bundles no live worker serves,
 * or says that no single worker serves them all.
 */
export function routeActorJob(workers: readonly WorkerAdvert[], bundles: readonly string[]): ActorRoute {
  const need = [...new Set(bundles)];
  const byQueue = new Map<string, number>();
  for (const w of workers) {
    const served = new Set(w.bundles.map((b) => b.name));
    if (need.every((b) => served.has(b))) byQueue.set(w.queue, (byQueue.get(w.queue) ?? 0) + 1);
  }
  const best = [...byQueue.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0];
  if (best) return { ok: true, queue: best[0], workers: best[1] };
  const live = new Set(workers.flatMap((w) => w.bundles.map((b) => b.name)));
  const missing = need.filter((b) => !live.has(b));
  let reason: string;
  if (workers.length === 0) reason = `${CAPABILITY_WAIT_REASON} to run actors`;
  else if (missing.length === 1) reason = `${CAPABILITY_WAIT_REASON} serving bundle "${missing[0]}"`;
  else if (missing.length > 1) reason = `${CAPABILITY_WAIT_REASON} serving bundles ${missing.map((b) => `"${b}"`).join(', ')}`;
  else reason = `${CAPABILITY_WAIT_REASON} serving all of the bundles ${need.map((b) => `"${b}"`).join(', ')} together`;
  return { ok: false, missing, reason };
}

