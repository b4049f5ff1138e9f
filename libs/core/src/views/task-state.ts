import type { Approval, MissionStatus, Task, TaskState } from '@aime/protocol';

/** What decides a task's shown state besides its own fields. */
export interface TaskStateContext {
  missionStatus: MissionStatus;
  /** Ids of tasks with a pending approval. */
  awaitingApproval: ReadonlySet<string>;
}

const LIVE: ReadonlySet<string> = new Set(['running', 'ready', 'pending']);

/**
 * A task's state as an operator should see it: `recovering` when its worker is gone,
 * `awaiting_approval` while a call of its actor waits for an operator, `paused` while its
 * mission is paused and the task is not finished, else its stored status.
 */
export function taskState(task: Pick<Task, 'id' | 'status' | 'recovering'>, ctx: TaskStateContext): TaskState {
  if (task.status === 'running' && ctx.awaitingApproval.has(task.id)) return 'awaiting_approval';
  if (ctx.missionStatus === 'paused' && LIVE.has(task.status)) return 'paused';
  if (task.status === 'running' && task.recovering) return 'recovering';
  return task.status;
}

/**
 * The tasks with `state` set, and a parent shown as awaiting approval when one of its
 * children is (a parent's status is derived from its children).
 */
export function withTaskStates<T extends Task>(tasks: readonly T[], missionStatus: MissionStatus, approvals: readonly Pick<Approval, 'taskId' | 'status'>[]): T[] {
  const awaiting = new Set(approvals.filter((a) => a.status === 'pending').map((a) => a.taskId));
  const byId = new Map(tasks.map((t) => [t.id, t]));
  // Ancestors of a waiting task wait too.
  for (const id of [...awaiting]) {
    let parent = byId.get(id)?.parentId;
    const seen = new Set<string>();
    while (parent !== undefined && !seen.has(parent)) {
      seen.add(parent);
      awaiting.add(parent);
      parent = byId.get(parent)?.parentId;
    }
  }
  const ctx: TaskStateContext = { missionStatus, awaitingApproval: awaiting };
  return tasks.map((t) => ({ ...t, state: taskState(t, ctx) }));
}
