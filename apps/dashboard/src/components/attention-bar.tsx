import type { Mission } from '@aime/protocol';
import { describeError } from '../net/api-client.ts';
import { useMissionApprovals } from '../hooks/use-approvals.ts';
import { ApprovalCard, ResolvedApproval } from './approval-card.tsx';

/**
 * What needs the operator on this mission, right under its header (in the first screen on a
 * desktop and a phone): every pending approval; decided ones folded below.
 */
export function AttentionBar({ mission }: { mission: Mission }) {
  const q = useMissionApprovals(mission.id);
  const items = q.data?.items ?? [];
  const pending = items.filter((a) => a.status === 'pending');
  const resolved = items.filter((a) => a.status !== 'pending');
  if (!pending.length && !resolved.length && !q.isError) return null;
  const titles = new Map(mission.tasks.map((t) => [t.id, t]));
  return (
    <section className={`card attention-bar ${pending.length ? 'has-pending' : ''}`} aria-labelledby="attention-title" data-testid="attention-bar">
      <div className="card-title-row">
        <h2 id="attention-title">{pending.length ? `${pending.length} call${pending.length === 1 ? '' : 's'} wait${pending.length === 1 ? 's' : ''} for your approval` : 'Approvals'}</h2>
        {pending.length ? <span className="muted small">focus a card: a approves, r rejects</span> : null}
      </div>
      {q.isError ? <p className="banner error">{describeError(q.error)}</p> : null}
      {pending.length ? (
        <ul className="approval-list">
          {pending.map((a) => {
            const task = titles.get(a.taskId);
            return <ApprovalCard key={a.id} approval={a} {...(task ? { task } : {})} />;
          })}
        </ul>
      ) : null}
      {resolved.length ? (
        <details className="resolved" open={!pending.length}>
          <summary className="small">{resolved.length} decided</summary>
          <ul className="resolved-list">
            {resolved.map((a) => (
              <ResolvedApproval key={a.id} approval={a} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
