/**
 * Stable codes of {@link GraphError}. Callers match on the code, never on the message.
 *
 * - `unknown_task`: an operation names a task that does not exist.
 * - `duplicate_task`: an added task reuses an existing id (or a graph holds an id twice).
 * - `cycle`: the dependencies (including the ones a subtask inherits from its parents) loop.
 * - `dependencies_not_met`: a task would run, or has run, before what it depends on succeeded.
 * - `illegal_transition`: the status change is not in the transition table.
 * - `parent_inconsistent`: the operation only applies to leaves (or a parent's derived status is wrong).
 * - `task_running`: the task (or a task in its subtree) is running, so it cannot be edited or removed.
 * - `finished`: an operation follows `finish`, or `finish` comes while tasks still run.
 * - `invalid_operation`: a schema-level problem (bad fields, self-dependency, dependency on an
 *   ancestor or descendant, dependency on a removed task, removal that orphans a dependency).
 * - `not_normalised`: found only by `validateGraph`: a leaf's ready/pending status disagrees with its dependencies.
 */
export type GraphErrorCode =
  | 'unknown_task'
  | 'duplicate_task'
  | 'cycle'
  | 'dependencies_not_met'
  | 'illegal_transition'
  | 'parent_inconsistent'
  | 'task_running'
  | 'finished'
  | 'invalid_operation'
  | 'not_normalised';

/** Where a {@link GraphError} points. */
export interface GraphErrorLocation {
  /** The task the error is about. */
  taskId?: string;
  /** Index of the offending operation in the batch (0-based, as in `operations[i]`). */
  opIndex?: number;
}

/**
 * A rule of the task graph was broken. Its message names the operation, the task and the rule,
 * because the messages are handed back to the planner model so it can repair its operations.
 */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  readonly code: GraphErrorCode;
  readonly taskId?: string;
  readonly opIndex?: number;

  constructor(code: GraphErrorCode, message: string, where: GraphErrorLocation = {}) {
    super(message);
    this.code = code;
    if (where.taskId !== undefined) this.taskId = where.taskId;
    if (where.opIndex !== undefined) this.opIndex = where.opIndex;
  }

  /** A plain, serialisable form (errors cross processes and go into events). */
  toJSON(): { code: GraphErrorCode; message: string; taskId?: string; opIndex?: number } {
    return {
      code: this.code,
      message: this.message,
      ...(this.taskId !== undefined ? { taskId: this.taskId } : {}),
      ...(this.opIndex !== undefined ? { opIndex: this.opIndex } : {}),
    };
  }
}
