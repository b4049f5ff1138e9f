import type { MissionStatus, TaskStatus } from './mission.ts';

/*
 * The one home of the status groups: every package asks these predicates instead of spelling
 * a list of statuses out, so adding a status is one change here.
 */

/** Statuses a mission ends in; it never leaves them. */
export const TERMINAL_MISSION_STATUSES: readonly MissionStatus[] = ['succeeded', 'failed', 'cancelled'];
/** Statuses a mission is still open in (every status but the terminal ones). */
export const OPEN_MISSION_STATUSES: readonly MissionStatus[] = ['queued', 'planning', 'running', 'paused', 'awaiting_approval'];
/**
 * Open and not paused: the planner may act, the clock runs and a pause applies. A mission
 * awaiting approval is active (its other tasks go on); a paused one is not.
 */
export const ACTIVE_MISSION_STATUSES: readonly MissionStatus[] = ['queued', 'planning', 'running', 'awaiting_approval'];

/** Whether a mission has ended (succeeded, failed or cancelled). */
export function isTerminalMissionStatus(s: MissionStatus): boolean {
  return TERMINAL_MISSION_STATUSES.includes(s);
}

/** Whether a mission is active: not ended and not paused (see `ACTIVE_MISSION_STATUSES`). */
export function isActiveMissionStatus(s: MissionStatus): boolean {
  return ACTIVE_MISSION_STATUSES.includes(s);
}

/** Statuses a task never leaves. `failed` is not among them: the planner may retry it. */
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['succeeded', 'skipped', 'cancelled'];
/** Statuses of a task that is over for now, in any way: the terminal ones and `failed`. Progress counts these as done. */
export const FINISHED_TASK_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled', 'skipped'];
/** Statuses of a task still to run or running: every status but the finished ones. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ['pending', 'ready', 'running', 'blocked'];

/** Whether a task status is terminal (succeeded, skipped or cancelled). */
export function isTerminalTaskStatus(s: TaskStatus): boolean {
  return TERMINAL_TASK_STATUSES.includes(s);
}

/** Whether a task is finished in any way (terminal or failed): what progress counts as done. */
export function isFinishedTaskStatus(s: TaskStatus): boolean {
  return FINISHED_TASK_STATUSES.includes(s);
}

/** Whether a task is still to run or running (pending, ready, running or blocked). */
export function isOpenTaskStatus(s: TaskStatus): boolean {
  return OPEN_TASK_STATUSES.includes(s);
}
