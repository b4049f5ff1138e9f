import { memo, useMemo } from 'react';
import type { Task } from '@aime/protocol';
import { buildTaskTree } from '../lib/task-tree.ts';
import { StatusBadge } from './badges.tsx';

/**
 * The task graph as a list, for phones (≤ 600 px), where a graph's labels would be too small to
 * read: subtasks indented under their parent, each with what it waits for; a row opens the task.
 */
export const TaskOutline = memo(function TaskOutline({ tasks, onOpen }: { tasks: readonly Task[]; onOpen(taskId: string): void }) {
  const rows = useMemo(() => buildTaskTree(tasks), [tasks]);
  const titles = useMemo(() => new Map(tasks.map((t) => [t.id, t.title])), [tasks]);
  return (
    <section className="card" aria-labelledby="outline-title" data-testid="task-outline">
      <h2 id="outline-title">Task graph</h2>
      {rows.length === 0 ? <p className="muted">No tasks yet.</p> : null}
      <ul className="outline-list">
        {rows.map(({ task: t, depth }) => {
          const state = t.state ?? (t.recovering ? 'recovering' : t.status);
          return (
            <li key={t.id} style={{ marginLeft: `${Math.min(depth, 4) * 1}rem` }} className={depth > 0 ? 'outline-child' : undefined}>
              <button type="button" className="outline-row" data-testid="outline-row" data-task-id={t.id} data-status={t.status} onClick={() => onOpen(t.id)}>
                <span className="outline-title">{t.title}</span>
                <StatusBadge status={state} />
                {t.dependsOn.length > 0 ? <span className="small muted outline-deps">after {t.dependsOn.map((d) => titles.get(d) ?? d).join(', ')}</span> : null}
                {t.replacedBy ? <span className="small muted outline-deps">replaced by {titles.get(t.replacedBy) ?? t.replacedBy}</span> : null}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
});
