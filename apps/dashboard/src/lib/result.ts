import { isKnownEvent } from '@aime/protocol';
import type { ArtifactRef, ErrorInfo, Event, Mission } from '@aime/protocol';

export interface FinalResult {
  status?: 'succeeded' | 'failed' | 'cancelled';
  answer?: string;
  artifacts: ArtifactRef[];
  error?: ErrorInfo;
  /** Why it was cancelled, as the `mission.status` event says (`cancelled by operator: <reason>`). */
  reason?: string;
}

/** The reason of the latest change to `cancelled`, if any. */
function cancelReason(events: readonly Event[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e && isKnownEvent(e) && e.type === 'mission.status' && e.data.to === 'cancelled') return e.data.reason;
  }
  return undefined;
}

/**
 * The mission's outcome: the snapshot's `result` when it has one, else the latest
 * `mission.finished` event (which arrives before the snapshot is refetched).
 */
export function finalResult(mission: Mission | undefined, events: readonly Event[]): FinalResult | undefined {
  const out = baseResult(mission, events);
  if (out?.status === 'cancelled' && !out.answer) {
    const reason = cancelReason(events);
    if (reason) out.reason = reason;
  }
  return out;
}

function baseResult(mission: Mission | undefined, events: readonly Event[]): FinalResult | undefined {
  let finished: Extract<Event, { type: 'mission.finished' }> | undefined;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e && isKnownEvent(e) && e.type === 'mission.finished') {
      finished = e;
      break;
    }
  }
  if (mission?.result) {
    const status = mission.status === 'succeeded' || mission.status === 'failed' || mission.status === 'cancelled' ? mission.status : finished?.data.status;
    const out: FinalResult = { answer: mission.result.answer, artifacts: mission.result.artifacts };
    if (status) out.status = status;
    const error = mission.error ?? finished?.data.error;
    if (error) out.error = error;
    return out;
  }
  if (finished) {
    const out: FinalResult = { status: finished.data.status, artifacts: finished.data.artifacts };
    if (finished.data.answer !== undefined) out.answer = finished.data.answer;
    if (finished.data.error) out.error = finished.data.error;
    return out;
  }
  if (mission?.error) return { status: mission.status === 'cancelled' ? 'cancelled' : 'failed', artifacts: [], error: mission.error };
  return undefined;
}
