import { isKnownEvent } from '@aime/protocol';
import type { Event, EventOf } from '@aime/protocol';

/** What made the planner change its plan: an outside event, or a report that did not succeed. */
export interface PlanCause {
  eventId: string;
  kind: 'outside_event' | 'report' | 'operator';
  taskId?: string;
  text: string;
}

/** One version of the plan: the planner's thought and what it did to the tasks. */
export interface PlanChange {
  eventId: string;
  at: string;
  version: number;
  step: number;
  thought: string;
  added: { id: string; title: string }[];
  changed: string[];
  removed: string[];
  skipped: { id: string; reason: string }[];
  /** A skipped or removed task and the task added in the same change that replaces it. */
  replaced: { from: string; to: string }[];
  /** Outside events, reports and operator actions since the previous plan, which this one answers. */
  causes: PlanCause[];
  /** Whether the plan ended the mission (a `finish`). */
  finished: boolean;
}

const REPLACED_BY = /\breplaced by ([A-Za-z0-9_.:-]+)/i;

function changeOf(e: EventOf<'plan.updated'>, causes: PlanCause[]): PlanChange {
  const d = e.data;
  const added: PlanChange['added'] = [];
  const skipped: PlanChange['skipped'] = [];
  const removed = new Set(d.removed);
  let finished = false;
  for (const op of d.operations) {
    if (op.op === 'add') added.push({ id: op.task.id, title: op.task.title });
    else if (op.op === 'skip') skipped.push({ id: op.id, reason: op.reason });
    else if (op.op === 'remove') removed.add(op.id);
    else if (op.op === 'finish') finished = true;
  }
  const addedIds = new Set(added.map((a) => a.id));
  const replaced: PlanChange['replaced'] = [];
  for (const s of skipped) {
    const to = REPLACED_BY.exec(s.reason)?.[1]?.replace(/[.:]+$/, '');
    if (to && to !== s.id) replaced.push({ from: s.id, to });
  }
  // Without a "replaced by" note: one task dropped and one added in the same change.
  const dropped = [...skipped.map((s) => s.id), ...removed].filter((id) => !replaced.some((r) => r.from === id));
  const fresh = added.filter((a) => !replaced.some((r) => r.to === a.id));
  if (!replaced.length && dropped.length === 1 && fresh.length === 1 && addedIds.size === 1) replaced.push({ from: dropped[0]!, to: fresh[0]!.id });
  return {
    eventId: e.id,
    at: e.ts,
    version: d.version,
    step: d.step,
    thought: d.thought,
    added,
    changed: d.changed.filter((id) => !addedIds.has(id)),
    removed: [...removed],
    skipped,
    replaced,
    causes,
    finished,
  };
}

/**
 * The plan's history from a mission's events: one entry per plan version (oldest first), with
 * the planner's thought, the tasks it added, changed, removed and skipped, the replacements,
 * and what it answered: outside events since the previous version, and failed or blocked
 * reports and rejections since the previous version that changed the plan.
 */
export function planHistory(events: readonly Event[]): PlanChange[] {
  const out: PlanChange[] = [];
  let causes: PlanCause[] = [];
  for (const e of events) {
    if (!isKnownEvent(e)) continue;
    if (e.type === 'world.event') causes.push({ eventId: e.id, kind: 'outside_event', text: e.data.message });
    else if (e.type === 'actor.reported' && e.data.report.status !== 'succeeded') {
      causes.push({ eventId: e.id, kind: 'report', ...(e.taskId ? { taskId: e.taskId } : {}), text: `${e.data.report.status}: ${e.data.report.summary}` });
    } else if (e.type === 'approval.resolved' && e.data.approval.status === 'rejected') {
      causes.push({ eventId: e.id, kind: 'operator', taskId: e.data.approval.taskId, text: `rejected ${e.data.approval.tool}${e.data.approval.note ? `: ${e.data.approval.note}` : ''}` });
    } else if (e.type === 'plan.updated') {
      // An outside event is answered by the next step, even one that changes nothing (its thought
      // says so); a failed report or a rejection by the next step that changes the plan.
      const acts = e.data.operations.length > 0;
      const taken = causes.filter((c) => acts || c.kind === 'outside_event');
      out.push(changeOf(e, taken));
      causes = causes.filter((c) => !taken.includes(c));
    }
  }
  return out;
}

/** For each outside event, the plan change that answered it (the next plan version), by event id. */
export function answersToEvents(history: readonly PlanChange[]): Map<string, PlanChange> {
  const out = new Map<string, PlanChange>();
  for (const h of history) for (const c of h.causes) if (c.kind === 'outside_event') out.set(c.eventId, h);
  return out;
}
