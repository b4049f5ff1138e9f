import { useQuery } from '@tanstack/react-query';
import type { LedgerResponse, Mission } from '@aime/protocol';
import { effectAmount } from '@aime/core/views';
import { api, describeError } from '../net/api-client.ts';
import { formatClock } from '../lib/format.ts';
import { formatMoney } from '../lib/money.ts';
import { TaskLink } from './task-link.tsx';

/** The side-effect ledger of a mission, read over REST (re-read when an `effect.recorded` event arrives). */
export function useLedger(missionId: string) {
  return useQuery({ queryKey: ['ledger', missionId], queryFn: () => api.ledger(missionId) });
}

/** The ledger as a table: tool, reference, what, amount, time; totals per currency. */
export function LedgerTable({ ledger, caption }: { ledger: LedgerResponse; caption?: string }) {
  if (!ledger.items.length) return <p className="muted small">No external effects (bookings, payments…) went through.</p>;
  return (
    <div className="table-wrap">
      <table className="ledger-table" data-testid="ledger-table">
        {caption ? <caption className="small muted">{caption}</caption> : null}
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Reference</th>
            <th scope="col">What</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">At</th>
          </tr>
        </thead>
        <tbody>
          {ledger.items.map((e) => {
            const amount = effectAmount(e);
            return (
              <tr key={`${e.tool}:${e.kind}:${e.reference}`} data-testid="ledger-row" data-reference={e.reference}>
                <td className="mono">{e.tool}</td>
                <td className="mono">{e.reference}</td>
                <td>
                  {e.description ?? e.kind}
                  {e.taskId ? (
                    <span className="muted small">
                      {' '}
                      · <TaskLink id={e.taskId} />
                    </span>
                  ) : null}
                </td>
                <td className="num">{amount !== undefined && e.currency ? formatMoney(amount, e.currency) : '–'}</td>
                <td className="mono small">{formatClock(e.at)}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          {ledger.totals.map((t) => (
            <tr key={t.currency}>
              <th scope="row" colSpan={3}>
                Total
              </th>
              <td className="num" data-testid="ledger-total">
                {formatMoney(t.amount, t.currency)}
              </td>
              <td />
            </tr>
          ))}
        </tfoot>
      </table>
    </div>
  );
}

/** "What went through": on every mission page; after a cancel it says these stay done. */
export function LedgerPanel({ mission }: { mission: Mission }) {
  const q = useLedger(mission.id);
  return (
    <section className="card ledger" aria-labelledby="ledger-title" data-testid="ledger">
      <div className="card-title-row">
        <h2 id="ledger-title">Side effects</h2>
        <span className="muted small">{q.data ? `${q.data.items.length} went through` : ''}</span>
      </div>
      {mission.status === 'cancelled' && q.data?.items.length ? (
        <p className="banner warn small" data-testid="ledger-after-cancel">
          The mission was cancelled; these went through before it and stay done (cancel or refund them outside the runtime).
        </p>
      ) : null}
      {q.isError ? <p className="banner error">{describeError(q.error)}</p> : null}
      {q.data ? <LedgerTable ledger={q.data} /> : <p className="muted small">Loading…</p>}
    </section>
  );
}
