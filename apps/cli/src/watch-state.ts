import { isFinishedTaskStatus, isKnownEvent, type Event, type MissionStatus, type TaskStatus } from '@aime/protocol';

/** One task as `aime watch` shows it. */
export interface WatchTask {
  id: string;
  title: string;
  parentId?: string;
  status: TaskStatus;
  /** The last `update_progress` message of its actor. */
  progress?: string;
  attempts: number;
  /** Removed by a replan: no longer shown or counted. */
  removed?: boolean;
}

/** A line of the watch log: what an operator should notice. */
export interface WatchNote {
  kind: 'replan' | 'approval' | 'world' | 'failure' | 'warning' | 'status';
  text: string;
}

/** What `aime watch` knows of a mission, folded from its events alone. */
export interface WatchState {
  missionId: string;
  goal: string;
  status: MissionStatus;
  model?: { planner: string; simulated: boolean };
  tasks: Map<string, WatchTask>;
  /** Plan steps that changed the task list after the first plan. */
  replans: number;
  planSteps: number;
  pendingApprovals: Map<string, { tool: string; taskId: string }>;
  notes: WatchNote[];
  /** Notes written so far (the list keeps the last 50). */
  noteCount: number;
  tokens: number;
  costUsd: number;
  finished?: { status: 'succeeded' | 'failed' | 'cancelled'; answer?: string; error?: string };
  lastEventId?: string;
}

const MAX_NOTES = 50;

export function initialWatchState(missionId: string): WatchState {
  return { missionId, goal: '', status: 'queued', tasks: new Map(), replans: 0, planSteps: 0, pendingApprovals: new Map(), notes: [], noteCount: 0, tokens: 0, costUsd: 0 };
}

function note(s: WatchState, kind: WatchNote['kind'], text: string): void {
  s.notes.push({ kind, text });
  s.noteCount++;
  if (s.notes.length > MAX_NOTES) s.notes.splice(0, s.notes.length - MAX_NOTES);
}

function setStatus(s: WatchState, id: string | undefined, status: TaskStatus): void {
  const t = id ? s.tasks.get(id) : undefined;
  if (t) t.status = status;
}

const oneLine = (text: string, max = 160): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Folds one event into the state (mutating it: the watch loop owns one state). */
export function applyEvent(s: WatchState, e: Event): WatchState {
  s.lastEventId = e.id;
  if (!isKnownEvent(e)) return s;
  switch (e.type) {
    case 'mission.created':
      s.goal = e.data.goal;
      s.model = { planner: e.data.model.planner, simulated: e.data.model.simulated };
      break;
    case 'mission.status':
      s.status = e.data.to;
      if (e.data.to === 'paused' || e.data.from === 'paused') note(s, 'status', `mission ${e.data.to}${e.data.reason ? ` (${e.data.reason})` : ''}`);
      break;
    case 'plan.updated': {
      s.planSteps++;
      for (const op of e.data.operations) {
        if (op.op === 'add') {
          const t: WatchTask = { id: op.task.id, title: op.task.title, status: 'pending', attempts: 0 };
          if (op.task.parentId) t.parentId = op.task.parentId;
          s.tasks.set(op.task.id, t);
        } else if (op.op === 'update' && op.patch.title) {
          const t = s.tasks.get(op.id);
          if (t) t.title = op.patch.title;
        } else if (op.op === 'remove') {
          const t = s.tasks.get(op.id);
          if (t) t.removed = true;
        } else if (op.op === 'skip') setStatus(s, op.id, 'skipped');
        else if (op.op === 'retry') setStatus(s, op.id, 'pending');
      }
      const changedList = e.data.added.length + e.data.removed.length > 0 || e.data.operations.some((o) => o.op === 'retry' || o.op === 'skip');
      if (s.planSteps > 1 && changedList) {
        s.replans++;
        const what = [e.data.added.length ? `+${e.data.added.length}` : '', e.data.removed.length ? `-${e.data.removed.length}` : ''].filter(Boolean).join(' ');
        note(s, 'replan', `replanned (step ${e.data.step}${what ? `, ${what} tasks` : ''})${e.data.thought ? `: ${oneLine(e.data.thought)}` : ''}`);
      }
      break;
    }
    case 'task.dispatched': {
      const t = e.taskId ? s.tasks.get(e.taskId) : undefined;
      if (t) {
        t.status = 'running';
        t.attempts = e.data.attempt;
        delete t.progress;
      }
      break;
    }
    case 'task.updated':
      setStatus(s, e.taskId, e.data.status);
      if (e.data.status === 'failed' || e.data.status === 'blocked') {
        const t = e.taskId ? s.tasks.get(e.taskId) : undefined;
        note(s, 'failure', `${t?.title ?? e.taskId} ${e.data.status}${e.data.reason ? `: ${oneLine(e.data.reason)}` : ''}`);
      }
      break;
    case 'actor.progress': {
      const t = e.taskId ? s.tasks.get(e.taskId) : undefined;
      if (t) t.progress = oneLine(e.data.message, 100);
      break;
    }
    case 'actor.reported': {
      const t = e.taskId ? s.tasks.get(e.taskId) : undefined;
      if (t) {
        t.status = e.data.report.status;
        t.progress = oneLine(e.data.report.summary, 100);
        if (e.data.report.status !== 'succeeded') note(s, 'failure', `${t.title} ${e.data.report.status}: ${oneLine(e.data.report.summary)}`);
      }
      break;
    }
    case 'approval.requested': {
      const a = e.data.approval;
      s.pendingApprovals.set(a.id, { tool: a.tool, taskId: a.taskId });
      note(s, 'approval', `approval needed for ${a.tool}: aime approve ${a.id}  (or aime reject ${a.id})`);
      break;
    }
    case 'approval.resolved': {
      const a = e.data.approval;
      s.pendingApprovals.delete(a.id);
      note(s, 'approval', `${a.tool} ${a.status}${a.note ? `: ${oneLine(a.note)}` : ''}`);
      break;
    }
    case 'world.event':
      note(s, 'world', `${e.data.source} event: ${oneLine(e.data.message)}`);
      break;
    case 'warning':
      note(s, 'warning', `${e.data.code}: ${oneLine(e.data.message)}`);
      break;
    case 'usage':
      s.tokens += e.data.promptTokens + e.data.completionTokens;
      s.costUsd += e.data.costUsd;
      break;
    case 'mission.finished':
      s.status = e.data.status;
      s.finished = { status: e.data.status, ...(e.data.answer ? { answer: e.data.answer } : {}), ...(e.data.error ? { error: `${e.data.error.code}: ${e.data.error.message}` } : {}) };
      break;
    default:
      break;
  }
  return s;
}

/** The tasks shown, in the order the planner added them (removed ones left out). */
export function visibleTasks(s: WatchState): WatchTask[] {
  return [...s.tasks.values()].filter((t) => !t.removed);
}

/** Leaf tasks finished in any way / all leaf tasks: what the progress bar shows. */
export function progressOf(s: WatchState): { done: number; total: number } {
  const tasks = visibleTasks(s);
  const parents = new Set(tasks.map((t) => t.parentId).filter((p): p is string => p !== undefined));
  const leaves = tasks.filter((t) => !parents.has(t.id));
  return { done: leaves.filter((t) => isFinishedTaskStatus(t.status)).length, total: leaves.length };
}
