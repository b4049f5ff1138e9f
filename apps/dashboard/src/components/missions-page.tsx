import { useEffect, useMemo, useState } from 'react';
import { isTerminalMissionStatus } from '@aime/protocol';
import type { MissionStatus } from '@aime/protocol';
import { useMissionCounts, useMissionList, useMissionTotals } from '../hooks/use-mission-list.ts';
import { useMediaQuery, useNow } from '../hooks/use-external.ts';
import { describeError } from '../net/api-client.ts';
import { formatCost, formatTokens } from '../lib/format.ts';
import { listHash, parseListParams } from '../lib/list-params.ts';
import type { ListParams, SortKey } from '../lib/list-params.ts';
import { stateLabel } from './badges.tsx';
import { MissionsTable } from './missions-table.tsx';
import { NewMissionForm } from './new-mission-form.tsx';

/** Statuses shown as tabs, in the order an operator scans them. */
const TABS: readonly MissionStatus[] = ['running', 'awaiting_approval', 'paused', 'planning', 'queued', 'failed', 'cancelled', 'succeeded'];

function go(params: ListParams): void {
  window.location.hash = listHash(params);
}

function MissionsList({ params }: { params: ListParams }) {
  // Sorted and searched by the server, over every mission of the filter, not only the loaded pages.
  const { items: shown, query, truncated } = useMissionList(params);
  const counts = useMissionCounts();
  const totals = useMissionTotals(params);
  const [draft, setDraft] = useState(params.q);
  // The URL is the truth: back/forward or a shared link puts its search in the field.
  useEffect(() => setDraft(params.q), [params.q]);
  const anyLive = shown.some((m) => !isTerminalMissionStatus(m.status));
  const now = useNow(1000, anyLive);
  const onSort = (key: SortKey) => go({ ...params, sort: key, dir: params.sort === key && params.dir === 'desc' ? 'asc' : 'desc' });
  const total = counts.data?.total;
  return (
    <section className="card missions" aria-labelledby="missions-title">
      <div className="card-title-row">
        <h2 id="missions-title">Missions</h2>
        <form
          className="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            go({ ...params, q: draft.trim() });
          }}
        >
          <label className="sr-only" htmlFor="mission-search">
            Search missions
          </label>
          <input id="mission-search" data-testid="mission-search" type="search" placeholder="Search goal, id, failure…" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" className="btn small">
            Search
          </button>
        </form>
      </div>
      <nav className="status-tabs" aria-label="Filter by status">
        <a href={listHash({ ...params, status: undefined } as ListParams)} className={`tab ${params.status ? '' : 'active'}`} aria-current={params.status ? undefined : 'page'} data-testid="status-tab" data-status="all">
          All <span className="count">{total ?? '…'}</span>
        </a>
        {TABS.map((s) => (
          <a key={s} href={listHash({ ...params, status: s })} className={`tab ${params.status === s ? 'active' : ''}`} aria-current={params.status === s ? 'page' : undefined} data-testid="status-tab" data-status={s}>
            {stateLabel(s)} <span className="count">{counts.data?.byStatus[s] ?? 0}</span>
          </a>
        ))}
      </nav>
      {query.isError ? (
        <p className="banner error" role="alert">
          {describeError(query.error)}
        </p>
      ) : null}
      {query.isPending ? <p className="muted">Loading missions…</p> : null}
      {!query.isPending && shown.length === 0 && !query.isError ? (
        <p className="muted">
          No missions{params.status ? ` with status "${stateLabel(params.status)}"` : ''}
          {params.q ? ` matching "${params.q}"` : ''} yet.
        </p>
      ) : null}
      {shown.length ? <MissionsTable items={shown} now={now} params={params} onSort={onSort} /> : null}
      <div className="list-foot">
        <p className="small" data-testid="list-totals" data-missions={totals.data?.missions} data-cost={totals.data?.costUsd}>
          {shown.length} shown of {totals.data ? `${totals.data.missions}${params.q ? ' matching' : ''}` : '…'}
          {totals.data ? (
            <>
              {' '}
              · {formatTokens(totals.data.promptTokens + totals.data.completionTokens)} tokens · {formatCost(totals.data.costUsd)}
              {totals.data.costKnown ? '' : ' (some calls had no price)'}
            </>
          ) : null}
          {totals.data?.truncated || truncated ? <span className="muted"> · of the 5,000 most recent</span> : null}
        </p>
        {query.hasNextPage ? (
          <button type="button" className="btn small" data-testid="load-more" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {query.isFetchingNextPage ? 'Loading…' : 'Load 50 more'}
          </button>
        ) : null}
      </div>
    </section>
  );
}

/** The `/` page: all missions (a table with tabs, search and paging), and a form to submit one (folded on phones, under the list). */
export function MissionsPage({ query }: { query: string }) {
  const params = useMemo(() => parseListParams(query), [query]);
  const phone = useMediaQuery('(max-width: 900px)');
  return (
    <main className="page missions-page" id="main" tabIndex={-1}>
      {phone ? (
        <>
          <MissionsList params={params} />
          <details className="card new-mission-fold">
            <summary className="h2">New mission</summary>
            <NewMissionForm />
          </details>
        </>
      ) : (
        <>
          <NewMissionForm />
          <MissionsList params={params} />
        </>
      )}
    </main>
  );
}
