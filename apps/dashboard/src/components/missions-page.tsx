import { memo, useState } from 'react';
import { MissionStatus, isTerminalMissionStatus } from '@aime/protocol';
import type { MissionSummary } from '@aime/protocol';
import { useMissionList } from '../hooks/use-mission-list.ts';
import { useNow } from '../hooks/use-external.ts';
import { describeError } from '../net/api-client.ts';
import { missionElapsedMs } from '@aime/core/views';
import { formatCost, formatElapsed, formatTokens } from '../lib/format.ts';
import { missionHref } from '../lib/route.ts';
import { ModelBadge, ProgressBar, StatusBadge } from './badges.tsx';
import { NewMissionForm } from './new-mission-form.tsx';

const MissionRow = memo(function MissionRow({ m, now }: { m: MissionSummary; now: number }) {
  return (
    <li className="mission-row" data-testid="mission-row" data-mission-id={m.id}>
      <a className="mission-link" href={missionHref(m.id)}>
        <span className="mission-goal" title={m.goal}>
          {m.goal}
        </span>
        <span className="mission-id mono">{m.id}</span>
      </a>
      <div className="mission-meta">
        <StatusBadge status={m.status} testId="mission-status" />
        <ProgressBar counts={m.progress} testId="mission-progress" />
        <span title="elapsed time">{formatElapsed(missionElapsedMs(m, now))} <span className="muted">elapsed</span></span>
        <span title={`${m.usage.promptTokens} prompt + ${m.usage.completionTokens} completion tokens`}>
          {formatTokens(m.usage.promptTokens + m.usage.completionTokens)} tok
        </span>
        <span title="cost">{formatCost(m.usage.costUsd)}</span>
        <ModelBadge model={m.model} />
      </div>
      {m.error ? (
        <p className="mission-error small" data-testid="mission-error" title={m.error.message}>
          {m.error.message}
        </p>
      ) : null}
    </li>
  );
});

function MissionsList() {
  const [status, setStatus] = useState<MissionStatus | undefined>();
  const { items, query } = useMissionList(status);
  const anyLive = items.some((m) => !isTerminalMissionStatus(m.status));
  const now = useNow(1000, anyLive);
  return (
    <section className="card missions" aria-labelledby="missions-title">
      <div className="card-title-row">
        <h2 id="missions-title">Missions</h2>
        <label className="inline-label">
          Status
          <select
            value={status ?? ''}
            onChange={(e) => {
              const parsed = MissionStatus.safeParse(e.target.value);
              setStatus(parsed.success ? parsed.data : undefined);
            }}
          >
            <option value="">all</option>
            {MissionStatus.options.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
      </div>
      {query.isError ? (
        <p className="banner error" role="alert">
          {describeError(query.error)}
        </p>
      ) : null}
      {query.isPending ? <p className="muted">Loading missions…</p> : null}
      {!query.isPending && items.length === 0 && !query.isError ? (
        <p className="muted">No missions{status ? ` with status "${status}"` : ''} yet.</p>
      ) : null}
      <ul className="mission-list">
        {items.map((m) => (
          <MissionRow key={m.id} m={m} now={isTerminalMissionStatus(m.status) ? 0 : now} />
        ))}
      </ul>
    </section>
  );
}

/** The `/` page: submit a mission, and watch all missions. */
export function MissionsPage() {
  return (
    <main className="page missions-page">
      <NewMissionForm />
      <MissionsList />
    </main>
  );
}
