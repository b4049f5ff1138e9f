import { describeError } from '../net/api-client.ts';
import { useApprovalInbox } from '../hooks/use-approvals.ts';
import { ApprovalCard } from './approval-card.tsx';

/** `#/approvals`: every call waiting for an operator, across missions, oldest first. */
export function ApprovalsPage() {
  const q = useApprovalInbox();
  const items = q.data?.items ?? [];
  return (
    <main className="page" id="main">
      <section className="card" aria-labelledby="inbox-title" data-testid="approval-inbox">
        <div className="card-title-row">
          <h1 id="inbox-title" className="h2">
            Approvals waiting
          </h1>
          <span className="muted">{q.data ? `${q.data.total} pending` : ''}</span>
        </div>
        {q.isError ? <p className="banner error">{describeError(q.error)}</p> : null}
        {q.isPending ? <p className="muted">Loading…</p> : null}
        {q.data && items.length === 0 ? <p className="muted">Nothing waits for approval.</p> : null}
        <ul className="approval-list">
          {items.map((a) => (
            <ApprovalCard key={a.id} approval={a} missionGoal={a.missionGoal} />
          ))}
        </ul>
      </section>
    </main>
  );
}
