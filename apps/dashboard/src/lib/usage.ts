import { isKnownEvent } from '@aime/protocol';
import type { Event, Usage } from '@aime/protocol';

/** One point of the cumulative tokens/cost chart. */
export interface UsagePoint {
  t: number;
  tokens: number;
  costUsd: number;
}

/** Cumulative tokens (prompt + completion) and cost after each `usage` event. */
export function usageSeries(events: readonly Event[]): UsagePoint[] {
  const out: UsagePoint[] = [];
  let tokens = 0;
  let cost = 0;
  for (const e of events) {
    if (!isKnownEvent(e) || e.type !== 'usage') continue;
    tokens += e.data.promptTokens + e.data.completionTokens;
    cost += e.data.costUsd;
    const t = Date.parse(e.ts);
    out.push({ t: Number.isNaN(t) ? (out[out.length - 1]?.t ?? 0) : t, tokens, costUsd: cost });
  }
  return out;
}

/**
 * The usage to show: the snapshot's, raised to what the live `usage` events already add
 * up to, since the snapshot is refetched less often than usage events arrive. Both only grow.
 */
export function liveUsage(snapshot: Usage, series: readonly UsagePoint[]): { tokens: number; costUsd: number } {
  const last = series[series.length - 1];
  const snapTokens = snapshot.promptTokens + snapshot.completionTokens;
  return {
    tokens: Math.max(snapTokens, last?.tokens ?? 0),
    costUsd: Math.max(snapshot.costUsd, last?.costUsd ?? 0),
  };
}
