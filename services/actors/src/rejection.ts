import type { Report } from '@aime/protocol';
import type { StepEntry } from './transcript.ts';

const REJECTED = /^Rejected by operator: ?(.*)$/s;
const FAILED = /^(Error|Rejected by operator|Refused)/i;

/** A call an operator rejected, as the transcript holds it. */
export interface Rejection {
  tool: string;
  note: string;
}

/**
 * The rejected calls the actor did not get past: a rejection counts unless a later call of
 * the same tool went through (the actor found another way, e.g. a cheaper train).
 */
export function unresolvedRejections(entries: readonly StepEntry[]): Rejection[] {
  const open = new Map<string, Rejection>();
  for (const e of entries) {
    for (const r of e.results) {
      const m = REJECTED.exec(r.observation);
      if (m) open.set(r.name, { tool: r.name, note: (m[1] ?? '').trim() });
      else if (!FAILED.test(r.observation)) open.delete(r.name);
    }
  }
  return [...open.values()];
}

/**
 * The report an actor hands in after an operator rejected one of its calls: a task whose
 * rejected call the actor did not get past cannot have succeeded, so a `succeeded` report
 * becomes `blocked`, and the operator's note leads the summary (the planner and the
 * dashboard both read it). Without such a rejection the report is returned as is.
 */
export function reportAfterRejections(entries: readonly StepEntry[], report: Report): Report {
  const rejected = unresolvedRejections(entries);
  if (!rejected.length) return report;
  const said = rejected.map((r) => `the operator rejected ${r.tool}: ${r.note || 'no reason given'}`).join('; ');
  const mentions = rejected.every((r) => report.summary.toLowerCase().includes(`rejected`) && (!r.note || report.summary.includes(r.note)));
  const summary = mentions ? report.summary : `${said[0]?.toUpperCase()}${said.slice(1)}. ${report.summary}`.slice(0, 8000);
  return { ...report, status: report.status === 'succeeded' ? 'blocked' : report.status, summary };
}
