import { useMemo } from 'react';
import { createColumnHelper, flexRender, getCoreRowModel, getSortedRowModel, useReactTable } from '@tanstack/react-table';
import type { SortingState } from '@tanstack/react-table';
import { isTerminalMissionStatus } from '@aime/protocol';
import type { MissionSummary } from '@aime/protocol';
import { missionElapsedMs } from '@aime/core/views';
import { formatClock, formatCost, formatElapsed, formatTokens } from '../lib/format.ts';
import type { ListParams, SortKey } from '../lib/list-params.ts';
import { missionHref } from '../lib/route.ts';
import { ModelBadge, ProgressBar, StatusBadge } from './badges.tsx';

const col = createColumnHelper<MissionSummary>();
const tokensOf = (m: MissionSummary) => m.usage.promptTokens + m.usage.completionTokens;

function createdText(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? formatClock(iso) : `${d.toLocaleDateString()} ${formatClock(iso)}`;
}

/**
 * The missions as a table: goal (with the failure reason), status, progress, created,
 * duration, tokens, cost, model; sortable by created, duration, tokens, cost and status.
 * Sorting is TanStack Table's over the loaded rows; the sort lives in the URL.
 */
export function MissionsTable({ items, now, params, onSort }: { items: readonly MissionSummary[]; now: number; params: ListParams; onSort: (key: SortKey) => void }) {
  const columns = useMemo(
    () => [
      col.accessor('goal', {
        header: 'Mission',
        enableSorting: false,
        cell: (c) => {
          const m = c.row.original;
          return (
            <div className="mission-cell">
              <a className="mission-link" href={missionHref(m.id)}>
                <span className="mission-goal" title={m.goal}>
                  {m.goal}
                </span>
              </a>
              <span className="mission-id mono">{m.id}</span>
              {m.error ? (
                <span className="mission-error small" data-testid="mission-error" title={m.error.message}>
                  {m.error.message}
                </span>
              ) : null}
            </div>
          );
        },
      }),
      col.accessor('status', { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.getValue()} testId="mission-status" /> }),
      col.display({ id: 'progress', header: 'Progress', cell: (c) => <ProgressBar counts={c.row.original.progress} testId="mission-progress" /> }),
      col.accessor((m) => Date.parse(m.createdAt), { id: 'createdAt', header: 'Created', cell: (c) => <span className="nowrap">{createdText(c.row.original.createdAt)}</span> }),
      col.accessor((m) => missionElapsedMs(m, isTerminalMissionStatus(m.status) ? 0 : now), { id: 'duration', header: 'Duration', cell: (c) => <span className="nowrap">{formatElapsed(c.getValue())}</span> }),
      col.accessor(tokensOf, { id: 'tokens', header: 'Tokens', cell: (c) => <span title={`${c.row.original.usage.promptTokens} prompt + ${c.row.original.usage.completionTokens} completion`}>{formatTokens(c.getValue())}</span> }),
      col.accessor((m) => m.usage.costUsd, { id: 'cost', header: 'Cost', cell: (c) => formatCost(c.getValue()) }),
      col.accessor((m) => m.model.actor, { id: 'model', header: 'Model', enableSorting: false, cell: (c) => <ModelBadge model={c.row.original.model} /> }),
    ],
    [now],
  );
  // Controlled: the URL owns the sort, so the table never keeps a sort of its own.
  const sorting = useMemo<SortingState>(() => [{ id: params.sort, desc: params.dir === 'desc' }], [params.sort, params.dir]);
  const data = useMemo(() => [...items], [items]);
  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: () => undefined,
    autoResetAll: false,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (m) => m.id,
  });
  return (
    <div className="table-wrap">
      <table className="missions-table" data-testid="missions-table">
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => {
                const sortable = h.column.getCanSort();
                const dir = params.sort === h.column.id ? params.dir : undefined;
                return (
                  <th key={h.id} scope="col" className={`col-${h.column.id}`} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}>
                    {sortable ? (
                      <button type="button" className="sort-btn" data-testid={`sort-${h.column.id}`} onClick={() => onSort(h.column.id as SortKey)}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden="true">{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ' ↕'}</span>
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr key={r.id} className="mission-row" data-testid="mission-row" data-mission-id={r.id}>
              {r.getVisibleCells().map((c) => (
                <td key={c.id} className={`col-${c.column.id}`} data-label={typeof c.column.columnDef.header === 'string' ? c.column.columnDef.header : ''}>
                  {flexRender(c.column.columnDef.cell, c.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
