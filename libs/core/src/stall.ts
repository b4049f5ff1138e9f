import type { TaskGraph } from '@aime/protocol';

/** One planner step as seen by the stall detector. */
export interface StallSample {
  step: number;
  graphVersion: number;
  statusFingerprint: string;
}

/** Options of {@link detectStall}. */
export interface StallOptions {
  /** How many planner steps without any task status change count as a stall. @default 6 */
  window?: number;
}

/** 53-bit string hash (cyrb53): deterministic and browser-safe, no crypto needed. */
function hash53(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * A short fingerprint of which tasks exist, their status and attempt count. Edits of
 * titles or descriptions and progress notes do not change it: they are not progress.
 */
export function statusFingerprint(graph: TaskGraph): string {
  const text = graph.tasks.map((t) => `${t.id}=${t.status}#${t.attempts}`).join('|');
  return `${graph.tasks.length}:${hash53(text)}`;
}

/**
 * Loop detection: the mission is stalled when the planner took `window` steps in a row and
 * none of them changed the status fingerprint, i.e. the latest `window + 1` samples (the
 * baseline and the `window` steps after it) all share one fingerprint. Samples are ordered
 * by `step`; the input is not modified.
 */
export function detectStall(history: readonly StallSample[], opts: StallOptions = {}): { stalled: false } | { stalled: true; reason: string } {
  const window = Math.max(1, Math.floor(opts.window ?? 6));
  if (history.length < window + 1) return { stalled: false };
  const recent = [...history].sort((a, b) => a.step - b.step).slice(-(window + 1));
  const first = recent[0] as StallSample;
  const last = recent[recent.length - 1] as StallSample;
  if (!recent.every((s) => s.statusFingerprint === first.statusFingerprint)) return { stalled: false };
  const versions = last.graphVersion === first.graphVersion ? 'without writing the graph' : `while the graph went from version ${first.graphVersion} to ${last.graphVersion}`;
  return {
    stalled: true,
    reason: `no task changed status during the last ${window} planner steps (steps ${first.step + 1}..${last.step}), ${versions}; the planner is looping`,
  };
}
