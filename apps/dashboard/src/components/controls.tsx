import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Mission } from '@aime/protocol';
import { api, describeError } from '../net/api-client.ts';
import { missionControls } from '../lib/controls.ts';
import { parseJsonObject } from '../lib/json-object.ts';
import { ControlButton } from './control-button.tsx';

/** Pause / resume / cancel, enabled only when the mission's status allows. */
export function ControlBar({ mission }: { mission: Mission }) {
  const qc = useQueryClient();
  const c = missionControls(mission.status);
  const act = useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') => api.control(mission.id, action),
    onSuccess: (m) => qc.setQueryData(['mission', m.id], m),
  });
  return (
    <div className="control-bar" role="group" aria-label="Mission controls">
      <ControlButton state={c.pause} busy={act.isPending} testId="btn-pause" onClick={() => act.mutate('pause')}>
        Pause
      </ControlButton>
      <ControlButton state={c.resume} busy={act.isPending} testId="btn-resume" onClick={() => act.mutate('resume')}>
        Resume
      </ControlButton>
      <ControlButton state={c.cancel} busy={act.isPending} testId="btn-cancel" className="danger" onClick={() => act.mutate('cancel')}>
        Cancel
      </ControlButton>
      {act.isError ? (
        <span className="inline-error" role="alert">
          {describeError(act.error)}
        </span>
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
