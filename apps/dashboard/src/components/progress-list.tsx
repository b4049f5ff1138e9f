import { memo, useMemo } from 'react';
import type { Task } from '@aime/protocol';
import { taskCounts } from '@aime/core/views';
import { buildTaskTree } from '../lib/task-tree.ts';
import { ProgressBar, RecoveringBadge, StatusBadge, TaskIcon } from './badges.tsx';
import { TaskLink } from './task-link.tsx';

function Reference({ r }: { r: string }) {
  if (/^https?:\/\//.test(r)) {
    return (
      <a href={r} target="_blank" rel="noreferrer noopener">
        {r}
      </a>
    );
  }
  return <span className="mono">{r}</span>;
}

const TaskRow = memo(function TaskRow({ task, depth, onOpen }: { task: Task; depth: number; onOpen(taskId: string): void }) {
  const state = task.state ?? (task.recovering ? 'recovering' : task.status);
  return (
    <li
      id={`task-${task.id}`}
      className={`task-row depth-${Math.min(depth, 6)} ${task.stale ? 'is-stale' : ''}`}
      style={{ paddingLeft: `${0.75 + depth * 1.25}rem` }}
      data-testid="task-row"
      data-task-id={task.id}
      data-status={task.status}
      data-state={state}
    >
      <div className="task-head">
        <TaskIcon status={state} />
        <button type="button" className="task-title linklike" data-testid="task-open" aria-haspopup="dialog" title="Open the task" onClick={() => onOpen(task.id)}>
          {task.title}
        </button>
        {state === 'recovering' && task.recovering ? <RecoveringBadge since={task.recovering.since} /> : <StatusBadge status={state} testId="task-state" />}
        {task.attempts > 1 ? <span className="muted small">attempt {task.attempts}</span> : null}
        <span className="mono muted small task-id">{task.id}</span>
      </div>
      {task.completionCriteria ? (
        <p className="task-criteria">
          <span className="label">Done when:</span> {task.completionCriteria}
        </p>
      ) : null}
      {task.dependsOn.length > 0 ? (
        <p className="small muted">after {task.dependsOn.join(', ')}</p>
      ) : null}
      {task.progress && !task.report ? (
        <p className="task-progress small">
          <span className="label">{task.progress.status}:</span> {task.progress.message}
        </p>
      ) : null}
      {task.reason ? <p className="task-reason small">{task.reason}</p> : null}
      {task.replacedBy ? (
        <p className="task-replaced small" data-testid="replaced-by" data-to={task.replacedBy}>
          {task.stale ? <span className="badge status-blocked">stale result</span> : null} Replaced by <TaskLink id={task.replacedBy} />
          {task.stale ? ': what used this result was replaced, so its choice no longer holds' : ''}
        </p>
      ) : null}
      {task.report ? (
        <div className={`task-report report-${task.report.status}`}>
          <p>{task.report.summary}</p>
          {task.report.references.length > 0 ? (
            <ul className="refs small">
              {task.report.references.map((r, i) => (
                <li key={i}>
                  <Reference r={r} />
                </li>
              ))}
            </ul>
          ) : null}
          {task.report.artifacts.length > 0 ? (
            <p className="small muted">artifacts: {task.report.artifacts.map((a) => a.name).join(', ')}</p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
});

/** AIME's hierarchical progress list: each task with its criteria, progress and report; a task's title opens it. */
export const ProgressList = memo(function ProgressList({ tasks, onOpen }: { tasks: readonly Task[]; onOpen(taskId: string): void }) {
  const rows = useMemo(() => buildTaskTree(tasks), [tasks]);
  const p = useMemo(() => taskCounts(tasks), [tasks]);
  return (
    <section className="card" aria-labelledby="progress-title">
      <div className="card-title-row">
        <h2 id="progress-title">Progress</h2>
        <ProgressBar counts={p} testId="page-progress" />
      </div>
      {rows.length === 0 ? <p className="muted">The planner has not written a plan yet.</p> : null}
      <ul className="task-list">
        {rows.map((r) => (
          <TaskRow key={r.task.id} task={r.task} depth={r.depth} onOpen={onOpen} />
        ))}
      </ul>
    </section>
  );
});
