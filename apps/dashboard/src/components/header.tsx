import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { setApiKey } from '../net/api-key.ts';
import { useApiKey, useConnection } from '../hooks/use-external.ts';
import { ConnectionBadge } from './badges.tsx';
import { useApprovalInbox } from '../hooks/use-approvals.ts';

/** Where the operator enters an API key (kept in localStorage, never shown back); the URL's operator token fills it for the tab. */
function ApiKeyField() {
  const key = useApiKey();
  const [draft, setDraft] = useState('');
  const qc = useQueryClient();
  const save = (value: string) => {
    setApiKey(value);
    setDraft('');
    void qc.invalidateQueries();
  };
  return (
    <form
      className="api-key"
      onSubmit={(e) => {
        e.preventDefault();
        save(draft);
      }}
    >
      <label htmlFor="api-key-input">API key</label>
      <input
        id="api-key-input"
        type="password"
        autoComplete="off"
        placeholder={key ? 'saved (enter to replace)' : 'none'}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <button type="submit" className="btn small" disabled={draft.trim() === ''}>
        Save
      </button>
      {key ? (
        <button type="button" className="btn small ghost" onClick={() => save('')}>
          Clear
        </button>
      ) : null}
    </form>
  );
}

/** How many calls wait for an operator across missions; links to the inbox. */
function ApprovalsBadge() {
  const q = useApprovalInbox();
  const n = q.data?.total ?? 0;
  return (
    <a href="#/approvals" className={`approvals-badge ${n ? 'has-pending' : ''}`} data-testid="approvals-badge" data-count={n} aria-label={`${n} approval${n === 1 ? '' : 's'} waiting`}>
      Approvals <span className="count">{n}</span>
    </a>
  );
}

export function Header() {
  const conn = useConnection();
  return (
    <header className="app-header">
      <a className="skip-link" href={window.location.hash || '#/'} onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <a className="brand" href="#/">
        <span className="logo" aria-hidden="true">◆</span> Aime Runtime
      </a>
      <nav className="header-nav">
        <a href="#/">Missions</a>
        <ApprovalsBadge />
        <a href="#/system">System</a>
      </nav>
      <div className="header-right">
        <ConnectionBadge info={conn} />
        <ApiKeyField />
      </div>
    </header>
  );
}
