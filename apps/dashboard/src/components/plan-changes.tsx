import { memo, useMemo } from 'react';
import type { Event, Task } from '@aime/protocol';
import { planHistory } from '@aime/core/views';
import type { PlanChange } from '@aime/core/views';
import { formatClock } from '../lib/format.ts';
import { TaskLink as Link } from './task-link.tsx';

const CAUSE_LABEL = { outside_event: 'outside event', report: 'report', operator: 'operator' } as const;

function TaskLink({ id, titles }: { id: string; titles: ReadonlyMap<string, string> }) {
  return (
    <Link id={id} title={id}>
      {titles.get(id) ?? id}
    </Link>
  );
}

const Change = memo(function Change({ c, titles, latest }: { c: PlanChange; titles: ReadonlyMap<string, string>; latest: boolean }) {
  const replacedIds = new Set(c.replaced.map((r) => r.from));
  return (
    <li className={`plan-change ${c.replaced.length || c.causes.length ? 'is-replan' : ''}`} data-testid="plan-change" data-version={c.version}>
      <details open={latest || c.replaced.length > 0}>
        <summary>
          <strong>v{c.version}</strong> <span className="muted small">step {c.step} · {formatClock(c.at)}</span>{' '}
          <span className="small">
            {[c.added.length && `+${c.added.length} added`, c.skipped.length && `${c.skipped.length} skipped`, c.removed.length && `${c.removed.length} removed`, c.changed.length && `${c.changed.length} changed`, c.finished && 'finished the mission']
              .filter(Boolean)
              .join(' · ') || 'no change to the tasks'}
          </span>
        </summary>
        {c.causes.length ? (
          <ul className="plan-causes small" aria-label="what this change answers">
            {c.causes.map((x) => (
              <li key={x.eventId} data-testid="plan-cause">
                <span className="label">{CAUSE_LABEL[x.kind]}</span>
                {x.taskId ? (
                  <>
                    {' '}
                    (<TaskLink id={x.taskId} titles={titles} />)
                  </>
                ) : null}
                : {x.text}
              </li>
            ))}
          </ul>
        ) : null}
        {c.thought ? (
          <p className="plan-thought" data-testid="plan-thought">
            {c.thought}
          </p>
        ) : null}
        {c.replaced.length ? (
          <ul className="plan-replaced small">
            {c.replaced.map((r) => (
              <li key={r.from} data-testid="plan-replaced" data-from={r.from} data-to={r.to}>
                <TaskLink id={r.from} titles={titles} /> <span aria-label="replaced by">→ replaced by</span> <TaskLink id={r.to} titles={titles} />
              </li>
            ))}
          </ul>
        ) : null}
        {c.added.length ? (
          <p className="small">
            <span className="label">Added:</span>{' '}
            {c.added.map((a, i) => (
              <span key={a.id}>
                {i ? ', ' : ''}
                <TaskLink id={a.id} titles={new Map([[a.id, a.title]])} />
              </span>
            ))}
          </p>
        ) : null}
        {c.skipped.filter((s) => !replacedIds.has(s.id)).length ? (
          <ul className="small plan-skipped">
            {c.skipped
              .filter((s) => !replacedIds.has(s.id))
              .map((s) => (
                <li key={s.id}>
                  <span className="label">Skipped</span> <TaskLink id={s.id} titles={titles} />
                  {s.reason ? `: ${s.reason}` : ''}
                </li>
              ))}
          </ul>
        ) : null}
        {c.removed.length ? (
          <p className="small">
            <span className="label">Removed:</span> {c.removed.join(', ')}
          </p>
        ) : null}
      </details>
    </li>
  );
});

/** "Plan changes": one entry per plan version, newest first, with the planner's thought and what changed. */
export const PlanChanges = memo(function PlanChanges({ events, tasks }: { events: readonly Event[]; tasks: readonly Task[] }) {
  const history = useMemo(() => planHistory(events), [events]);
  const titles = useMemo(() => new Map(tasks.map((t) => [t.id, t.title])), [tasks]);
  const replans = history.filter((h) => h.replaced.length > 0).length;
  return (
    <section className="card plan-changes" aria-labelledby="plan-changes-title" data-testid="plan-changes">
      <div className="card-title-row">
        <h2 id="plan-changes-title">Plan changes</h2>
        <span className="muted small">
          {history.length} version{history.length === 1 ? '' : 's'}
          {replans ? ` · ${replans} replan${replans === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      {history.length === 0 ? <p className="muted">The planner has not written a plan yet.</p> : null}
      <ol className="plan-change-list" reversed>
        {[...history].reverse().map((c, i) => (
          <Change key={c.eventId} c={c} titles={titles} latest={i === 0} />
        ))}
      </ol>
    </section>
  );
});
