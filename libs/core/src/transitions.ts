import type { TaskStatus } from '@aime/protocol';

/**
 * Every status change a task may make through an operation or through normalisation.
 * Parent tasks do not transition: their status is derived from their children.
 *
 * `succeeded`, `skipped` and `cancelled` are terminal. `failed` is not: the planner may
 * `retry` it, `skip` it, or the runtime may `cancel` it.
 */
const TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ['ready', 'blocked', 'skipped', 'cancelled'],
  ready: ['pending', 'running', 'blocked', 'skipped', 'cancelled'],
  running: ['succeeded', 'failed', 'blocked', 'cancelled'],
  blocked: ['pending', 'skipped', 'cancelled'],
  failed: ['pending', 'skipped', 'cancelled'],
  succeeded: [],
  skipped: [],
  cancelled: [],
};

/** Whether a task may go from `from` to `to` (the single transition table of the core). */
export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

// The status groups live in the protocol, with every other package's; re-exported for the core's callers.
export { isTerminalTaskStatus, TERMINAL_TASK_STATUSES } from '@aime/protocol';

/** Whether a dependency in this status lets its dependents start (succeeded or skipped). */
export function satisfiesDependency(s: TaskStatus): boolean {
  return s === 'succeeded' || s === 'skipped';
}
