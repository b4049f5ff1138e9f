import { useEffect, useMemo, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Event, Mission, Task, TranscriptStep } from '@aime/protocol';
import { api, describeError } from '../net/api-client.ts';
import type { ActorView } from '../lib/actors.ts';
import { eventSummary } from '../lib/event-text.ts';
import { formatClock, shortJson } from '../lib/format.ts';
import { StatusBadge } from './badges.tsx';

/** Events of the task listed in the drawer at most (the newest); the timeline has them all. */
const EVENTS_SHOWN = 200;
/** Characters of one observation shown before "show all". */
const OBSERVATION_PREVIEW = 600;

const stateOf = (t: Task) => t.state ?? (t.recovering ? 'recovering' : t.status);

/** A task named by its title, opening it in the drawer. */
function TaskButton({ task, onOpen, testId }: { task: Task; onOpen(id: string): void; testId?: string }) {
  return (
    <button type="button" className="linklike" data-testid={testId} data-task-id={task.id} onClick={() => onOpen(task.id)}>
      {task.title}
    </button>
  );
}

function StepView({ s }: { s: TranscriptStep }) {
  return (
    <li className="step" data-testid="drawer-step" data-step={s.step}>
      <div className="step-head">
        <span className="step-no">#{s.step}</span>
      </div>
      {s.thought ? <p className="thought">{s.thought}</p> : null}
      {s.calls.map((c) => {
        const r = s.results.find((x) => x.toolCallId === c.id);
        return (
          <div key={c.id} className="drawer-call">
            <p className="tool-call mono">
              <span className="label">call</span> {c.name}({c.invalidArgs ?? shortJson(c.args, 400)})
            </p>
            {r ? (
              r.observation.length > OBSERVATION_PREVIEW ? (
                <details className="observation mono">
                  <summary>
                    <span className="label">obs</span> {r.observation.slice(0, OBSERVATION_PREVIEW)}…
                  </summary>
                  <pre>{r.observation}</pre>
                </details>
              ) : (
                <p className="observation mono">
                  <span className="label">obs</span> {r.observation}
                </p>
              )
            ) : null}
          </div>
        );
      })}
    </li>
  );
}

/** One actor of the task: its persona and its steps, read from the transcript endpoint. */
function ActorSteps({ missionId, actor }: { missionId: string; actor: ActorView }) {
  // Re-read when the actor took another step (its events say so).
  const q = useQuery({ queryKey: ['transcript', missionId, actor.actorId, actor.steps.length], queryFn: () => api.transcript(missionId, actor.actorId) });
  return (
    <section className="drawer-actor" data-testid="drawer-actor" data-actor-id={actor.actorId}>
      <h4>
        {actor.persona?.name ?? actor.actorId}
        <span className="muted small">
          {' '}
          {actor.persona?.role ? `· ${actor.persona.role} ` : ''}· attempt {actor.attempt ?? 1} · <span className="mono">{actor.actorId}</span>
        </span>
      </h4>
      {q.isError ? <p className="inline-error">Steps could not be read: {describeError(q.error)}</p> : null}
      {q.data && q.data.items.length === 0 ? <p className="muted small">No step stored yet.</p> : null}
      <ol className="steps">{(q.data?.items ?? []).map((s) => <StepView key={s.step} s={s} />)}</ol>
      {actor.report ? (
        <p className="small">
          <span className="label">report · {actor.report.status}</span> {actor.report.summary}
        </p>
      ) : null}
    </section>
  );
}

interface DrawerProps {
  mission: Mission;
  taskId: string;
  events: readonly Event[];
  actors: readonly ActorView[];
  onOpen(taskId: string): void;
  onClose(): void;
}

/**
 * A task opened from the graph, the graph's phone list or the progress list: what it must
 * achieve, where it stands, its report, its subtasks (grouped), every actor's steps and its
 * events. A modal `<dialog>`: focus moves in, Escape closes, focus returns to what opened it.
 */
export function TaskDrawer({ mission, taskId, events, actors, onOpen, onClose }: DrawerProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const byId = useMemo(() => new Map(mission.tasks.map((t) => [t.id, t])), [mission.tasks]);
  const task = byId.get(taskId);
  const subtasks = useMemo(() => mission.tasks.filter((t) => t.parentId === taskId), [mission.tasks, taskId]);
  const taskEvents = useMemo(() => events.filter((e) => e.taskId === taskId && e.type !== 'usage').slice(-EVENTS_SHOWN), [events, taskId]);
  const taskActors = useMemo(() => actors.filter((a) => a.taskId === taskId), [actors, taskId]);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('.drawer-close')?.focus();
  }, [taskId]);

  if (!task) return null;
  const parent = task.parentId ? byId.get(task.parentId) : undefined;
  const replacement = task.replacedBy ? byId.get(task.replacedBy) : undefined;
  return (
    <dialog
      ref={ref}
      className="drawer"
      data-testid="task-drawer"
      data-task-id={task.id}
      aria-labelledby="drawer-title"
      onClose={onClose}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === e.currentTarget) ref.current?.close();
      }}
    >
      <div className="drawer-body">
        <header className="drawer-head">
          <div>
            <h3 id="drawer-title">{task.title}</h3>
            <p className="small muted">
              <StatusBadge status={stateOf(task)} testId="drawer-state" /> <span className="mono">{task.id}</span>
              {task.attempts > 1 ? ` · attempt ${task.attempts}` : ''}
            </p>
          </div>
          <button type="button" className="btn small drawer-close" onClick={() => ref.current?.close()}>
            Close
          </button>
        </header>

        <section>
          <h4>Done when</h4>
          <p data-testid="drawer-criteria">{task.completionCriteria || <span className="muted">no criteria given</span>}</p>
          {task.description ? <p className="small muted">{task.description}</p> : null}
          {parent ? (
            <p className="small">
              Part of <TaskButton task={parent} onOpen={onOpen} />
            </p>
          ) : null}
          {task.dependsOn.length > 0 ? (
            <p className="small">
              After{' '}
              {task.dependsOn.map((d, i) => {
                const dep = byId.get(d);
                return (
                  <span key={d}>
                    {i > 0 ? ', ' : ''}
                    {dep ? <TaskButton task={dep} onOpen={onOpen} /> : <span className="mono">{d}</span>}
                  </span>
                );
              })}
            </p>
          ) : null}
          {task.reason ? <p className="task-reason small">{task.reason}</p> : null}
          {replacement ? (
            <p className="small">
              {task.stale ? <span className="badge status-blocked">stale result</span> : null} Replaced by <TaskButton task={replacement} onOpen={onOpen} />
            </p>
          ) : null}
        </section>

        {subtasks.length > 0 ? (
          <section data-testid="drawer-subtasks">
            <h4>Subtasks ({subtasks.length})</h4>
            <ul className="drawer-subtasks">
              {subtasks.map((s) => (
                <li key={s.id}>
                  <TaskButton task={s} onOpen={onOpen} testId="drawer-subtask" /> <StatusBadge status={stateOf(s)} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {task.progress && !task.report ? (
          <section>
            <h4>Progress</h4>
            <p className="small">
              <span className="label">{task.progress.status}:</span> {task.progress.message}
            </p>
          </section>
        ) : null}

        <section data-testid="drawer-report">
          <h4>Report</h4>
          {task.report ? (
            <div className={`task-report report-${task.report.status}`}>
              <p>
                <span className="label">{task.report.status}</span> {task.report.summary}
              </p>
              {task.report.references.length > 0 ? <p className="small muted">refs: {task.report.references.join(', ')}</p> : null}
              {task.report.artifacts.length > 0 ? <p className="small muted">artifacts: {task.report.artifacts.map((a) => a.name).join(', ')}</p> : null}
            </div>
          ) : (
            <p className="muted small">No report yet.</p>
          )}
        </section>

        <section>
          <h4>Actor steps</h4>
          {taskActors.length === 0 ? <p className="muted small">No actor has worked on this task.</p> : null}
          {taskActors.map((a) => (
            <ActorSteps key={a.actorId} missionId={mission.id} actor={a} />
          ))}
        </section>

        <section>
          <h4>Events ({taskEvents.length})</h4>
          <ol className="drawer-events small">
            {taskEvents.map((e) => (
              <li key={e.id} data-testid="drawer-event" data-type={e.type}>
                <span className="mono muted">{formatClock(e.ts)}</span> <span className="label">{e.type}</span> {eventSummary(e)}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </dialog>
  );
}
