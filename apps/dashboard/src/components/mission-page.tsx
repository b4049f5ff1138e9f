import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { isTerminalMissionStatus } from '@aime/protocol';
import type { Event, Mission } from '@aime/protocol';
import { api, ApiError, describeError } from '../net/api-client.ts';
import { useMissionEvents } from '../hooks/use-mission-events.ts';
import { useMediaQuery, useNow } from '../hooks/use-external.ts';
import { coalesce } from '../lib/batcher.ts';
import { needsApprovalsRefresh, needsLedgerRefresh, needsSnapshotRefresh } from '../lib/controls.ts';
import { deriveActors, reuseUnchanged } from '../lib/actors.ts';
import type { ActorView } from '../lib/actors.ts';
import { liveUsage, usageSeries } from '../lib/usage.ts';
import type { UsagePoint } from '../lib/usage.ts';
import { finalResult } from '../lib/result.ts';
import { statusChanges } from '../lib/status-changes.ts';
import { missionElapsedMs } from '@aime/core/views';
import type { StatusChange } from '@aime/core/views';
import { formatCost, formatElapsed, formatTokens } from '../lib/format.ts';
import { ModelBadge, StatusBadge } from './badges.tsx';
import { ControlBar, InjectForm } from './controls.tsx';
import { AttentionBar } from './attention-bar.tsx';
import { LedgerPanel } from './ledger-panel.tsx';
import { PlanChanges } from './plan-changes.tsx';
import { NowLine } from './now-line.tsx';
import { ProgressList } from './progress-list.tsx';
import { ActorPanels } from './actor-panels.tsx';
import { EventTimeline } from './event-timeline.tsx';
import { UsageChart } from './usage-chart.tsx';
import { FinalAnswer } from './final-answer.tsx';
import { TaskOutline } from './task-outline.tsx';
import { TaskDrawer } from './task-drawer.tsx';

const SNAPSHOT_REFRESH_MS = 300;
/** How often a mission with running tasks is re-read for tasks whose worker is gone. */
const RUNNING_REFRESH_MS = 3_000;

// React Flow and dagre are most of the bundle: load them with the first mission view, not the list.
const TaskGraph = lazy(() => import('./task-graph.tsx').then((m) => ({ default: m.TaskGraph })));

/** Up to this width the graph is shown as a list: its labels would be too small to read. */
const PHONE_QUERY = '(max-width: 600px)';

function MissionHeader({ mission, series, changes }: { mission: Mission; series: readonly UsagePoint[]; changes: readonly StatusChange[] }) {
  // The clock stops while the mission is paused and once it ends.
  const ticking = !isTerminalMissionStatus(mission.status) && mission.status !== 'paused';
  const now = useNow(1000, ticking);
  const usage = liveUsage(mission.usage, series);
  return (
    <section className="card mission-header" aria-labelledby="mission-goal">
      <div className="mission-header-top">
        <StatusBadge status={mission.status} testId="mission-status" />
        <ModelBadge model={mission.model} />
        <span className="mono muted small">{mission.id}</span>
      </div>
      <h1 id="mission-goal" className="goal">
        {mission.goal}
      </h1>
      <dl className="stats">
        <div>
          <dt>Elapsed</dt>
          <dd data-testid="elapsed">{formatElapsed(missionElapsedMs(mission, now, changes))}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd title={`budget ${mission.budget.maxTokens}`}>
            {formatTokens(usage.tokens)} <span className="muted small">/ {formatTokens(mission.budget.maxTokens)}</span>
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd title={mission.usage.costKnown ? undefined : 'a model of this mission has no price: its calls count as $0, so the cost budget cannot be enforced (AIME_MODEL_PRICES)'}>
            {formatCost(usage.costUsd)} <span className="muted small">/ {formatCost(mission.budget.maxCostUsd)}</span>
            {mission.usage.costKnown ? null : <span className="badge badge-warn">cost unknown</span>}
          </dd>
        </div>
        <div>
          <dt>Planner steps</dt>
          <dd>
            {mission.usage.plannerSteps} <span className="muted small">/ {mission.budget.maxPlannerSteps}</span>
          </dd>
        </div>
        <div>
          <dt>Actors</dt>
          <dd>{mission.usage.actors}</dd>
        </div>
      </dl>
      <ControlBar mission={mission} />
    </section>
  );
}

/** The `#/missions/:id` page: snapshot over REST, live events over socket.io. */
export function MissionPage({ id }: { id: string }) {
  const qc = useQueryClient();
  const snapshot = useQuery({
    queryKey: ['mission', id],
    queryFn: () => api.getMission(id),
    // A worker that dies sends no event: re-read while tasks run, so `recovering` shows up.
    refetchInterval: (q) => (q.state.data?.tasks.some((t) => t.status === 'running') ? RUNNING_REFRESH_MS : false),
  });

  const refresh = useMemo(
    () => ({
      mission: coalesce(() => void qc.invalidateQueries({ queryKey: ['mission', id] }), SNAPSHOT_REFRESH_MS),
      approvals: coalesce(() => void qc.invalidateQueries({ queryKey: ['approvals', id] }), SNAPSHOT_REFRESH_MS),
      ledger: coalesce(() => void qc.invalidateQueries({ queryKey: ['ledger', id] }), SNAPSHOT_REFRESH_MS),
    }),
    [qc, id],
  );
  useEffect(
    () => () => {
      refresh.mission.cancel();
      refresh.approvals.cancel();
      refresh.ledger.cancel();
    },
    [refresh],
  );
  const onAdded = useCallback(
    (added: Event[]) => {
      if (added.some((e) => needsSnapshotRefresh(e.type))) refresh.mission.call();
      if (added.some((e) => needsApprovalsRefresh(e.type))) refresh.approvals.call();
      if (added.some((e) => needsLedgerRefresh(e.type))) refresh.ledger.call();
    },
    [refresh],
  );
  const { events, error: subscribeError, rejected } = useMissionEvents(id, onAdded);

  const prevActors = useRef<ActorView[]>([]);
  const actors = useMemo(() => {
    const next = reuseUnchanged(prevActors.current, deriveActors(events));
    prevActors.current = next;
    return next;
  }, [events]);
  const series = useMemo(() => usageSeries(events), [events]);
  const changes = useMemo(() => statusChanges(events), [events]);
  const mission = snapshot.data;
  const result = useMemo(() => finalResult(mission, events), [mission, events]);
  const phone = useMediaQuery(PHONE_QUERY);
  const [openTask, setOpenTask] = useState<string | undefined>();
  const closeTask = useCallback(() => setOpenTask(undefined), []);

  if (snapshot.isPending) {
    return (
      <main className="page">
        <p className="muted">Loading mission {id}…</p>
      </main>
    );
  }
  if (!mission) {
    const notFound = snapshot.error instanceof ApiError && snapshot.error.status === 404;
    return (
      <main className="page">
        <p className="banner error" role="alert">
          {notFound ? `No mission "${id}" (or it is not yours).` : describeError(snapshot.error)}
        </p>
        <p>
          <a href="#/">← All missions</a>
        </p>
      </main>
    );
  }
  return (
    <main className="page mission-page" id="main" tabIndex={-1}>
      <p className="crumbs">
        <a href="#/">← All missions</a>
      </p>
      {snapshot.isError ? (
        <p className="banner warn" role="status">
          Showing the last snapshot: {describeError(snapshot.error)}
        </p>
      ) : null}
      {subscribeError ? (
        <p className="banner error" role="alert">
          Live updates failed: {subscribeError}
        </p>
      ) : null}
      {rejected > 0 ? <p className="banner warn">{rejected} events from the server could not be read and were skipped.</p> : null}
      {/* A failure leads the page: on a phone the header alone fills the first screen. */}
      {result && result.status !== 'succeeded' ? <FinalAnswer result={result} /> : null}
      <MissionHeader mission={mission} series={series} changes={changes} />
      <AttentionBar mission={mission} />
      <NowLine mission={mission} actors={actors} events={events} />
      {mission.status === 'cancelled' ? <LedgerPanel mission={mission} /> : null}
      {result?.status === 'succeeded' ? <FinalAnswer result={result} /> : null}
      <div className="mission-grid">
        <ProgressList tasks={mission.tasks} onOpen={setOpenTask} />
        {phone ? (
          <TaskOutline tasks={mission.tasks} onOpen={setOpenTask} />
        ) : (
          <Suspense
            fallback={
              <section className="card">
                <p className="muted">Loading the task graph…</p>
              </section>
            }
          >
            <TaskGraph tasks={mission.tasks} onOpen={setOpenTask} />
          </Suspense>
        )}
        <ActorPanels actors={actors} />
        <EventTimeline events={events} />
        <UsageChart series={series} />
        <PlanChanges events={events} tasks={mission.tasks} />
        {mission.status !== 'cancelled' ? <LedgerPanel mission={mission} /> : null}
        <InjectForm mission={mission} />
      </div>
      {openTask !== undefined ? <TaskDrawer mission={mission} taskId={openTask} events={events} actors={actors} onOpen={setOpenTask} onClose={closeTask} /> : null}
    </main>
  );
}
