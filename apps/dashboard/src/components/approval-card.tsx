import { useId, useState } from 'react';
import type { Approval, Task } from '@aime/protocol';
import { describeError } from '../net/api-client.ts';
import { useDecideApproval } from '../hooks/use-approvals.ts';
import { formatClock } from '../lib/format.ts';
import { formatMoney } from '../lib/money.ts';
import { missionHref } from '../lib/route.ts';

const SIDE_EFFECT_TEXT = { none: 'reads only', idempotent: 'changes something (safe to repeat)', external: 'acts in the outside world' } as const;

/**
 * One pending tool call, with everything an operator needs to decide: the task, the tool,
 * its side-effect class, the price and budget left when the tool can say, the actor's
 * reason, the full arguments; Approve / Reject with a note. Keys while the card has focus:
 * `a` approves, `r` rejects (not while typing the note: there Enter approves).
 */
export function ApprovalCard({ approval: a, task, missionGoal }: { approval: Approval; task?: Pick<Task, 'title'>; missionGoal?: string }) {
  const [note, setNote] = useState('');
  const decide = useDecideApproval();
  const noteId = useId();
  const go = (decision: 'approve' | 'reject') => {
    if (decide.isPending) return;
    const n = note.trim();
    decide.mutate(n ? { approval: a, decision, note: n } : { approval: a, decision });
  };
  const args = JSON.stringify(a.args, null, 2) ?? String(a.args);
  const short = args.length > 240 ? `${args.slice(0, 239)}…` : args;
  return (
    <li
      className="approval"
      data-testid="approval"
      data-approval-id={a.id}
      tabIndex={0}
      aria-label={`${a.tool} waits for approval`}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey) return;
        if (e.key === 'a') go('approve');
        else if (e.key === 'r') go('reject');
      }}
    >
      <div className="approval-head">
        <strong className="mono">{a.tool}</strong>
        {a.sideEffects ? <span className={`badge se-${a.sideEffects}`} title={`side effects: ${a.sideEffects}`} data-testid="approval-side-effects">{SIDE_EFFECT_TEXT[a.sideEffects]}</span> : null}
        {a.estimate ? (
          <span className="approval-price" data-testid="approval-price">
            {formatMoney(a.estimate.amount, a.estimate.currency)}
            {a.estimate.budgetLeft !== undefined ? (
              <span className="muted small">
                {' '}
                of {formatMoney(a.estimate.budgetLeft, a.estimate.budgetCurrency ?? a.estimate.currency)} budget left
              </span>
            ) : null}
          </span>
        ) : null}
      </div>
      <p className="small muted">
        {missionGoal ? (
          <>
            <a href={missionHref(a.missionId)}>{missionGoal}</a> ·{' '}
          </>
        ) : null}
        task <span className="mono">{a.taskId}</span>
        {task ? ` (${task.title})` : ''} · asked {formatClock(a.requestedAt)}
      </p>
      {a.estimate?.note ? <p className="small">{a.estimate.note}</p> : null}
      {a.thought ? (
        <p className="thought small" data-testid="approval-thought">
          “{a.thought}”
        </p>
      ) : null}
      <details className="approval-args">
        <summary className="mono small">{short.replace(/\s+/g, ' ')}</summary>
        <pre className="mono small" data-testid="approval-args">{args}</pre>
      </details>
      <label className="sr-only" htmlFor={noteId}>
        Note for {a.tool}
      </label>
      <div className="approval-actions">
        <input
          id={noteId}
          placeholder="note (optional; Enter approves)"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              go('approve');
            }
          }}
        />
        <button type="button" className="btn primary small" data-testid="btn-approve" disabled={decide.isPending} onClick={() => go('approve')} aria-keyshortcuts="a">
          Approve <kbd>a</kbd>
        </button>
        <button type="button" className="btn danger small" data-testid="btn-reject" disabled={decide.isPending} onClick={() => go('reject')} aria-keyshortcuts="r">
          Reject <kbd>r</kbd>
        </button>
      </div>
      {decide.isError ? (
        <p className="inline-error" role="alert">
          {describeError(decide.error)}
        </p>
      ) : null}
    </li>
  );
}

/** Who decided, as an operator reads it: the generated token's principal is the local operator. */
function deciderName(decidedBy: string | undefined): string {
  if (decidedBy === undefined) return 'an operator (not recorded)';
  if (decidedBy === 'local') return 'local operator';
  if (decidedBy === 'planner') return 'the planner';
  return decidedBy;
}

/** A decided approval: who, when, what (the full arguments), and the note. */
export function ResolvedApproval({ approval: a }: { approval: Approval }) {
  return (
    <li className="resolved-approval small" data-testid="resolved-approval" data-status={a.status}>
      <span className={`badge status-${a.status === 'approved' ? 'succeeded' : 'failed'}`}>{a.status}</span> <strong className="mono">{a.tool}</strong> · by{' '}
      <strong data-testid="decided-by" data-principal={a.decidedBy ?? ''} title={a.decidedBy ? `API principal ${a.decidedBy}` : undefined}>
        {deciderName(a.decidedBy)}
      </strong>
      {a.resolvedAt ? (
        <>
          {' '}
          at <time dateTime={a.resolvedAt}>{formatClock(a.resolvedAt)}</time>
        </>
      ) : null}
      {a.note ? <> · “{a.note}”</> : null}
      <code className="mono muted resolved-args" data-testid="resolved-args">
        {JSON.stringify(a.args)}
      </code>
    </li>
  );
}
