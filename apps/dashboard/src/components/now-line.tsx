import { memo, useMemo } from 'react';
import { isKnownEvent } from '@aime/protocol';
import type { Event, Mission } from '@aime/protocol';
import type { ActorView } from '../lib/actors.ts';
import { shortJson } from '../lib/format.ts';
import { TaskLink } from './task-link.tsx';

/** The planner's latest thought (what it is doing or waiting for). */
function plannerNow(events: readonly Event[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e && isKnownEvent(e) && e.type === 'plan.updated') return e.data.thought || undefined;
  }
  return undefined;
}

/**
 * "Now": what is happening this moment. Each running actor with its current tool call, and
 * what the planner said it waits for. Hidden once the mission has ended.
 */
export const NowLine = memo(function NowLine({ mission, actors, events }: { mission: Mission; actors: readonly ActorView[]; events: readonly Event[] }) {
  const running = useMemo(() => new Set(mission.tasks.filter((t) => t.status === 'running').map((t) => t.id)), [mission.tasks]);
  const busy = actors.filter((a) => !a.report && a.taskId && running.has(a.taskId));
  const planner = useMemo(() => plannerNow(events), [events]);
  if (['succeeded', 'failed', 'cancelled'].includes(mission.status)) return null;
  return (
    <section className="card now-line" aria-label="What happens now" data-testid="now-line">
      <ul>
        {busy.map((a) => {
          const last = a.steps[a.steps.length - 1];
          const call = last?.data.toolCall;
          return (
            <li key={a.actorId} data-testid="now-actor" data-task-id={a.taskId}>
              <strong>{a.persona?.name ?? a.actorId}</strong> on <TaskLink id={a.taskId ?? ''} />:{' '}
              {call ? (
                <span className="mono small">
                  {call.name}({shortJson(call.args, 80)})
                </span>
              ) : (
                <span className="muted small">thinking…</span>
              )}
            </li>
          );
        })}
        {planner ? (
          <li data-testid="now-planner">
            <strong>Planner</strong>: <span className="small">{planner}</span>
          </li>
        ) : null}
        {!busy.length && !planner ? <li className="muted small">Waiting for the planner's first step…</li> : null}
      </ul>
    </section>
  );
});
