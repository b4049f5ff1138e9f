import type { MissionStatus, ModelInfo, TaskStatus } from '@aime/protocol';
import { formatClock } from '../lib/format.ts';
import type { ConnectionInfo } from '../net/socket.ts';

const STATUS_LABEL: Record<string, string> = { awaiting_approval: 'awaiting approval' };

/** A coloured status pill for a mission or a task. */
export function StatusBadge({ status, testId }: { status: MissionStatus | TaskStatus; testId?: string }) {
  return (
    <span className={`badge status-${status}`} data-testid={testId} data-status={status}>
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}

/**
 * In place of `running` when the task's worker stopped heartbeating: the task is not lost, it
 * waits for another worker to take its job over (within the recovery window).
 */
export function RecoveringBadge({ since }: { since: string }) {
  return (
    <span
      className="badge status-recovering"
      data-testid="recovering-badge"
      data-status="recovering"
      title={`Its worker stopped at ${since}; another worker will take the task over from its last checkpoint.`}
    >
      recovering since {formatClock(since)}
    </span>
  );
}

/** The model(s) a mission runs on; the simulated model is always labelled as such. */
export function ModelBadge({ model }: { model: ModelInfo }) {
  const names = [...new Set([model.planner, model.factory, model.actor])].join(' / ');
  return (
    <span
      className={`badge model ${model.simulated ? 'model-sim' : ''}`}
      data-testid="model-badge"
      data-simulated={model.simulated}
      title={`planner: ${model.planner}, factory: ${model.factory}, actor: ${model.actor}`}
    >
      {model.simulated ? <strong>simulated model</strong> : null}
      {model.simulated ? ' · ' : ''}
      {names}
    </span>
  );
}

const CONNECTION_LABEL = { live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' } as const;

export function ConnectionBadge({ info }: { info: ConnectionInfo }) {
  return (
    <span
      className={`badge conn conn-${info.state}`}
      data-testid="connection-state"
      data-state={info.state}
      title={info.detail ? `${CONNECTION_LABEL[info.state]} (${info.detail})` : CONNECTION_LABEL[info.state]}
      role="status"
      aria-live="polite"
    >
      <span className="dot" aria-hidden="true" />
      {CONNECTION_LABEL[info.state]}
    </span>
  );
}

const TASK_ICON: Record<TaskStatus, string> = {
  pending: '○',
  ready: '◔',
  running: '◐',
  blocked: '‖',
  succeeded: '✓',
  failed: '✗',
  cancelled: '⊘',
  skipped: '↷',
};

/** A status icon with its name for screen readers. */
export function TaskIcon({ status }: { status: TaskStatus }) {
  return (
    <span className={`task-icon status-fg-${status}`} role="img" aria-label={status} title={status}>
      {TASK_ICON[status]}
    </span>
  );
}
