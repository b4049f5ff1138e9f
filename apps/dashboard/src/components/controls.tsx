import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Mission } from '@aime/protocol';
import { api, describeError } from '../net/api-client.ts';
import { missionControls } from '../lib/controls.ts';
import { parseJsonObject } from '../lib/json-object.ts';
import { ControlButton } from './control-button.tsx';
import { LedgerTable, useLedger } from './ledger-panel.tsx';

/**
 * Asks before a cancel: why (kept in the mission's events), and what stays done (the
 * side-effect ledger: bookings made so far are not undone by a cancel).
 */
function CancelConfirm({ mission, busy, onConfirm, onClose }: { mission: Mission; busy: boolean; onConfirm: (reason: string) => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const ledger = useLedger(mission.id);
  return (
    <div className="cancel-confirm" role="dialog" aria-modal="false" aria-labelledby="cancel-title" data-testid="cancel-confirm">
      <h3 id="cancel-title">Cancel this mission?</h3>
      <p className="small">Running actors stop; nothing new is booked. What already went through stays done:</p>
      {ledger.data ? <LedgerTable ledger={ledger.data} /> : <p className="muted small">Reading the side effects…</p>}
      <label htmlFor="cancel-reason" className="small">
        Reason (kept with the mission)
      </label>
      <textarea id="cancel-reason" data-testid="cancel-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
      <div className="form-actions">
        <button type="button" className="btn danger" data-testid="btn-confirm-cancel" disabled={busy} onClick={() => onConfirm(reason.trim())}>
          Cancel the mission
        </button>
        <button type="button" className="btn ghost" onClick={onClose}>
          Keep it running
        </button>
      </div>
    </div>
  );
}

/** Pause / resume / cancel, enabled only when the mission's status allows; a cancel asks first. */
export function ControlBar({ mission }: { mission: Mission }) {
  const qc = useQueryClient();
  const c = missionControls(mission.status);
  const [confirming, setConfirming] = useState(false);
  const act = useMutation({
    mutationFn: (v: { action: 'pause' | 'resume' | 'cancel'; reason?: string }) => api.control(mission.id, v.action, v.reason),
    onSuccess: (m) => {
      qc.setQueryData(['mission', m.id], m);
      setConfirming(false);
    },
  });
  return (
    <div className="control-bar" role="group" aria-label="Mission controls">
      <ControlButton state={c.pause} busy={act.isPending} testId="btn-pause" onClick={() => act.mutate({ action: 'pause' })}>
        Pause
      </ControlButton>
      <ControlButton state={c.resume} busy={act.isPending} testId="btn-resume" onClick={() => act.mutate({ action: 'resume' })}>
        Resume
      </ControlButton>
      <ControlButton state={c.cancel} busy={act.isPending} testId="btn-cancel" className="danger" onClick={() => setConfirming(true)}>
        Cancel…
      </ControlButton>
      {act.isError ? (
        <span className="inline-error" role="alert">
          {describeError(act.error)}
        </span>
      ) : null}
      {confirming && c.cancel.enabled ? (
        <CancelConfirm mission={mission} busy={act.isPending} onConfirm={(reason) => act.mutate(reason ? { action: 'cancel', reason } : { action: 'cancel' })} onClose={() => setConfirming(false)} />
      ) : null}
    </div>
  );
}

const DISRUPTION_EXAMPLE = JSON.stringify({ disruption: { kind: 'sell_out_train', trainId: 'NOZOMI-0900-2026-12-02' } }, null, 2);

/** Sends an outside event (e.g. a disruption) that the planner replans with. */
export function InjectForm({ mission }: { mission: Mission }) {
  const [message, setMessage] = useState('');
  const [data, setData] = useState('');
  const [errors, setErrors] = useState<{ message?: string; data?: string }>({});
  const state = missionControls(mission.status).inject;
  const inject = useMutation({
    mutationFn: (body: { message: string; data?: Record<string, unknown> }) =>
      api.injectEvent(mission.id, { type: 'external', ...body }),
    onSuccess: () => {
      setMessage('');
      setData('');
    },
  });
  return (
    <section className="card inject" aria-labelledby="inject-title">
      <div className="card-title-row">
        <h2 id="inject-title">Outside event</h2>
        <button
          type="button"
          className="btn ghost small"
          onClick={() => {
            setMessage('The 09:00 Nozomi on 2026-12-02 is sold out');
            setData(DISRUPTION_EXAMPLE);
            setErrors({});
          }}
        >
          Example disruption
        </button>
      </div>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!state.enabled) return;
          const next: typeof errors = {};
          if (message.trim() === '') next.message = 'Say what happened';
          const parsed = parseJsonObject(data);
          if (!parsed.ok) next.data = parsed.error;
          setErrors(next);
          if (next.message || next.data || !parsed.ok) return;
          inject.mutate(parsed.value ? { message: message.trim(), data: parsed.value } : { message: message.trim() });
        }}
      >
        <div className="field">
          <label htmlFor="inject-message">Message</label>
          <textarea
            id="inject-message"
            data-testid="inject-message"
            rows={2}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            aria-invalid={Boolean(errors.message)}
            aria-describedby={errors.message ? 'err-inject-message' : undefined}
          />
          {errors.message ? (
            <p className="field-error" id="err-inject-message" role="alert">
              {errors.message}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="inject-data">Data (JSON object, optional)</label>
          <textarea
            id="inject-data"
            data-testid="inject-data"
            className="mono"
            rows={3}
            value={data}
            onChange={(e) => setData(e.target.value)}
            aria-invalid={Boolean(errors.data)}
            aria-describedby={errors.data ? 'err-inject-data' : undefined}
          />
          {errors.data ? (
            <p className="field-error" id="err-inject-data" role="alert">
              {errors.data}
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          <span className="control-wrap" title={state.enabled ? undefined : state.reason}>
            <button
              type="submit"
              className="btn primary"
              data-testid="btn-inject"
              disabled={!state.enabled || inject.isPending}
              aria-disabled={!state.enabled || inject.isPending}
              title={state.enabled ? undefined : state.reason}
            >
              {inject.isPending ? 'Sending…' : 'Inject event'}
            </button>
          </span>
          {inject.isSuccess ? <span className="muted small">sent as {inject.data.eventId}</span> : null}
          {inject.isError ? (
            <span className="inline-error" role="alert">
              {describeError(inject.error)}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}
