import type { InboxItem, Report, SystemOperation, TaskGraph } from '@aime/protocol';
import type { PlannerStore } from '@aime/store';
import type { ActorResume } from './approvals.ts';
import type { PlannerNews } from './prompt.ts';

/** The stream id just before `id`, so that reading "after" it starts at `id` itself. */
export function predecessorId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  if (BigInt(seq) > 0n) return `${ms}-${BigInt(seq) - 1n}`;
  return `${BigInt(ms) - 1n}-18446744073709551615`;
}

/** Reads one event by its id. */
export async function eventById(store: Pick<PlannerStore, 'readEvents'>, missionId: string, id: string) {
  const [e] = await store.readEvents(missionId, { after: predecessorId(id), limit: 1 });
  return e && e.id === id ? e : null;
}

export interface DigestedInbox {
  news: PlannerNews[];
  ops: SystemOperation[];
  /** Reports that no longer match a running task (a late duplicate, a cancelled attempt). */
  stale: string[];
  /** Actors whose pending call an operator decided: to be re-enqueued. */
  resumes: ActorResume[];
}

/** Turns inbox items into graph operations (reports) and news for the planner model. */
export async function digestInbox(store: Pick<PlannerStore, 'readEvents' | 'getApproval'>, missionId: string, graph: TaskGraph, items: InboxItem[]): Promise<DigestedInbox> {
  const out: DigestedInbox = { news: [], ops: [], stale: [], resumes: [] };
  const reported = new Set<string>();
  // Task statuses as the ops gathered so far leave them, to tell a stale blocked/unblocked notice.
  const status = new Map(graph.tasks.map((t) => [t.id, t.status]));
  for (const item of items) {
    switch (item.kind) {
      case 'report': {
        const ev = await eventById(store, missionId, item.eventId);
        if (!ev || ev.type !== 'actor.reported' || 'generic' in ev) {
          out.stale.push(item.eventId);
          break;
        }
        const report: Report = ev.data.report;
        const task = graph.tasks.find((t) => t.id === item.taskId);
        const live = task && task.status === 'running' && (!item.actorId || !task.actorId || task.actorId === item.actorId);
        if (!live || reported.has(item.taskId)) {
          out.stale.push(item.eventId);
          break;
        }
        reported.add(item.taskId);
        status.set(item.taskId, report.status);
        out.ops.push({ op: 'report', id: item.taskId, report });
        out.news.push({
          kind: 'report',
          taskId: item.taskId,
          status: report.status,
          summary: report.summary,
          references: report.references,
          artifacts: report.artifacts.map((a) => `${a.name} (${a.uri})`),
        });
        break;
      }
      case 'external':
        out.news.push({ kind: 'external', message: item.message, ...(item.data ? { data: item.data } : {}) });
        break;
      case 'operator':
        out.news.push({ kind: 'operator', action: item.action, ...(item.note ? { note: item.note } : {}) });
        break;
      case 'approval': {
        const approval = await store.getApproval(item.approvalId);
        const decided = item.decision === 'approve' ? 'approved' : 'rejected';
        const note = approval?.note ? ` (${approval.note.replace(/\s+/g, ' ')})` : '';
        out.news.push({ kind: 'approval', summary: `${approval?.tool ?? 'a tool call'} for task ${item.taskId}: ${decided}${note}` });
        out.resumes.push({ approvalId: item.approvalId, taskId: item.taskId, actorId: item.actorId });
        break;
      }
      case 'blocked': {
        // From the Actor Factory: no live worker serves what the task needs. A late duplicate
        // (the task already moved on) changes nothing.
        if (!['pending', 'ready', 'running'].includes(status.get(item.taskId) ?? '')) break;
        status.set(item.taskId, 'blocked');
        out.ops.push({ op: 'block', id: item.taskId, reason: item.reason });
        out.news.push({ kind: 'blocked', taskId: item.taskId, reason: item.reason });
        break;
      }
      case 'unblocked':
        if (status.get(item.taskId) !== 'blocked') break;
        status.set(item.taskId, 'pending');
        out.ops.push({ op: 'unblock', id: item.taskId });
        out.news.push({ kind: 'unblocked', taskId: item.taskId });
        break;
      case 'created':
      case 'tick':
        break;
    }
  }
  return out;
}
