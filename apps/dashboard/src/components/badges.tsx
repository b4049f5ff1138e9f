import type { MissionStatus, ModelInfo, ProgressCounts, TaskState } from '@aime/protocol';
import { describeCounts } from '@aime/core/views';
import { formatClock } from '../lib/format.ts';
import type { ConnectionInfo } from '../net/socket.ts';

const STATUS_LABEL: Record<string, string> = { awaiting_approval: 'awaiting approval' };

/** How a state reads in text. */
export function stateLabel(s: string): string {
  return STATUS_LABEL[s] ?? s;
}

/** A coloured status pill for a mission or a task. */
export function StatusBadge({ status, testId }: { status: MissionStatus | TaskState; testId?: string }) {
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

const TASK_ICON: Record<TaskState, string> = {
  awaiting_approval: '⚑',
  paused: '⏸',
  recovering: '↻',
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
export function TaskIcon({ status }: { status: TaskState }) {
  return (
    <span className={`task-icon status-fg-${status}`} role="img" aria-label={stateLabel(status)} title={stateLabel(status)}>
      {TASK_ICON[status]}
    </span>
  );
}

const SEGMENTS = ['succeeded', 'skipped', 'failed', 'cancelled', 'running'] as const;

/**
 * A progress bar that shows each outcome in its own colour (succeeded, skipped, failed,
 * cancelled, running) and says it in words, so a failed mission never reads as a full green bar.
 */
export function ProgressBar({ counts, testId }: { counts: ProgressCounts; testId?: string }) {
  const total = Math.max(counts.total, 1);
  const text = describeCounts(counts);
  return (
    <span className="progress" title={text} data-testid={testId} data-succeeded={counts.succeeded ?? counts.done} data-failed={counts.failed ?? 0} data-cancelled={counts.cancelled ?? 0} data-total={counts.total}>
      <span className="bar" aria-hidden="true">
        {SEGMENTS.map((k) => {
          const n = counts[k] ?? (k === 'succeeded' ? counts.done : 0);
          return n > 0 ? <span key={k} className={`seg seg-${k}`} style={{ width: `${(n / total) * 100}%` }} /> : null;
        })}
      </span>
      <span className="progress-text">{text}</span>
    </span>
  );
}
