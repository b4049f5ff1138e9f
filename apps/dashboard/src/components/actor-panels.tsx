import { memo, useState } from 'react';
import type { EventOf } from '@aime/protocol';
import type { ActorView } from '../lib/actors.ts';
import { formatClock, shortJson } from '../lib/format.ts';

const STEP_PAGE = 20;
/** Progress messages listed under the latest one; older ones stay in the event timeline. */
const PROGRESS_SHOWN = 10;

const Step = memo(function Step({ e }: { e: EventOf<'actor.step'> }) {
  const d = e.data;
  return (
    <li className="step">
      <div className="step-head">
        <span className="step-no">#{d.step}</span>
        <span className="muted small">{formatClock(e.ts)}</span>
        {d.usage ? <span className="muted small">{d.usage.promptTokens + d.usage.completionTokens} tok</span> : null}
      </div>
      {d.thought ? <p className="thought">{d.thought}</p> : null}
      {d.toolCall ? (
        <p className="tool-call mono">
          <span className="label">call</span> {d.toolCall.name}({shortJson(d.toolCall.args, 400)})
        </p>
      ) : null}
      {d.observation !== undefined ? (
        <p className="observation mono">
          <span className="label">obs</span> {d.observation.length > 600 ? `${d.observation.slice(0, 599)}…` : d.observation}
        </p>
      ) : null}
    </li>
  );
});

/**
 * One actor: its persona and bundles, its ReAct steps, progress and report. Steps are
 * capped to the latest page with "show more", so a long-running actor stays cheap to render.
 */
const ActorPanel = memo(function ActorPanel({ a }: { a: ActorView }) {
  const [shown, setShown] = useState(STEP_PAGE);
  const hidden = Math.max(0, a.steps.length - shown);
  const steps = a.steps.slice(hidden);
  const lastProgress = a.progress[a.progress.length - 1];
  return (
    <article className="actor-panel" data-testid="actor-panel" data-actor-id={a.actorId} data-task-id={a.taskId}>
      <header className="actor-head">
        <div>
          <strong>{a.persona?.name ?? a.actorId}</strong>
          {a.persona ? <span className="muted"> · {a.persona.role}</span> : null}
        </div>
        <span className="muted small mono">
          {a.taskId ?? ''}
          {a.attempt && a.attempt > 1 ? ` · attempt ${a.attempt}` : ''}
        </span>
      </header>
      {a.persona && a.persona.traits.length > 0 ? <p className="small muted">{a.persona.traits.join(' · ')}</p> : null}
      {a.bundles.length > 0 ? (
        <p className="chips">
          {a.bundles.map((b) => (
            <span className="chip" key={b} title={`bundle ${b}`}>
              {b}
            </span>
          ))}
          {a.tools.length > 0 ? <span className="muted small"> {a.tools.length} tools</span> : null}
        </p>
      ) : null}
      {lastProgress ? (
        <details className="actor-progress">
          <summary>
            <span className="label">{lastProgress.status}</span> {lastProgress.message}
          </summary>
          <ul className="small">
            {a.progress.slice(-PROGRESS_SHOWN).map((p) => (
              <li key={p.id}>
                <span className="muted">{formatClock(p.ts)}</span> <span className="label">{p.status}</span> {p.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {a.steps.length > 0 ? (
        <>
          {hidden > 0 ? (
            <button type="button" className="btn small ghost" onClick={() => setShown((n) => n + STEP_PAGE * 5)}>
              Show {Math.min(hidden, STEP_PAGE * 5)} earlier steps ({hidden} hidden)
            </button>
          ) : null}
          <ol className="steps">
            {steps.map((e) => (
              <Step key={e.id} e={e} />
            ))}
          </ol>
        </>
      ) : null}
      {a.report ? (
        <div className={`task-report report-${a.report.status}`}>
          <p>
            <span className="label">report · {a.report.status}</span> {a.report.summary}
          </p>
          {a.report.references.length > 0 ? <p className="small muted">refs: {a.report.references.join(', ')}</p> : null}
        </div>
      ) : null}
    </article>
  );
});

export const ActorPanels = memo(function ActorPanels({ actors }: { actors: readonly ActorView[] }) {
  return (
    <section className="card actors" aria-labelledby="actors-title">
      <div className="card-title-row">
        <h2 id="actors-title">Actors</h2>
        <span className="muted">{actors.length}</span>
      </div>
      {actors.length === 0 ? <p className="muted">No actor has been spawned yet.</p> : null}
      <div className="actor-list">
        {/* Newest first: the actor working now is what an operator looks for. */}
        {[...actors].reverse().map((a) => (
          <ActorPanel key={a.actorId} a={a} />
        ))}
      </div>
    </section>
  );
});
