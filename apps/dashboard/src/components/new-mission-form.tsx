import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, describeError } from '../net/api-client.ts';
import {
  EMPTY_FORM,
  GOAL_MAX,
  TRAVEL_EXAMPLE,
  serverErrorsToFields,
  validateMissionForm,
} from '../lib/mission-form.ts';
import type { BudgetField, FieldErrors, MissionFormField, MissionFormValues } from '../lib/mission-form.ts';
import { missionHref } from '../lib/route.ts';

const BUDGET_INPUTS: { field: BudgetField; label: string; hint: string; step: string; min: string; max?: string }[] = [
  { field: 'maxTokens', label: 'Max tokens', hint: 'default 2,000,000', step: '1', min: '1' },
  { field: 'maxCostUsd', label: 'Max cost (USD)', hint: 'default 10', step: 'any', min: '0' },
  { field: 'maxWallMs', label: 'Max wall time (ms)', hint: 'default 1,800,000', step: '1', min: '1' },
  { field: 'maxPlannerSteps', label: 'Max planner steps', hint: 'default 60', step: '1', min: '1', max: '10000' },
  { field: 'maxParallelActors', label: 'Max parallel actors', hint: '1..64, default 4', step: '1', min: '1', max: '64' },
];

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {message}
    </p>
  );
}

/** The form that submits a goal; on success it opens the new mission. */
export function NewMissionForm() {
  const [values, setValues] = useState<MissionFormValues>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const qc = useQueryClient();
  const create = useMutation({
    mutationFn: api.createMission,
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: ['missions'] });
      setValues(EMPTY_FORM);
      window.location.hash = missionHref(res.id);
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 400) setErrors(serverErrorsToFields(err));
      else setErrors({ form: describeError(err) });
    },
  });

  const set = (field: MissionFormField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    // A field's message goes once it is edited; the rest stay until the next submit.
    if (errors[field]) setErrors(({ [field]: _gone, ...rest }) => rest);
  };

  const aria = (field: MissionFormField) =>
    errors[field] ? { 'aria-invalid': true, 'aria-describedby': `err-${field}` } : { 'aria-invalid': false };

  return (
    <form
      className="card new-mission"
      noValidate
      aria-labelledby="new-mission-title"
      onSubmit={(e) => {
        e.preventDefault();
        const r = validateMissionForm(values);
        if (!r.ok) {
          setErrors(r.errors);
          return;
        }
        setErrors({});
        create.mutate(r.request);
      }}
    >
      <div className="card-title-row">
        <h2 id="new-mission-title">New mission</h2>
        <button
          type="button"
          className="btn ghost small"
          onClick={() => {
            setValues(TRAVEL_EXAMPLE);
            setErrors({});
          }}
        >
          Use the travel example
        </button>
      </div>
      <div className="field">
        <label htmlFor="goal">Goal</label>
        <textarea
          id="goal"
          data-testid="goal-input"
          rows={4}
          required
          maxLength={GOAL_MAX + 100}
          placeholder="What should the agents achieve?"
          value={values.goal}
          onChange={(e) => set('goal', e.target.value)}
          {...aria('goal')}
        />
        <div className="field-foot">
          <FieldError id="err-goal" message={errors.goal} />
          <span className={`counter ${values.goal.trim().length > GOAL_MAX ? 'over' : ''}`}>
            {values.goal.trim().length}/{GOAL_MAX}
          </span>
        </div>
      </div>
      <fieldset className="budget">
        <legend>Budget (optional)</legend>
        <div className="budget-grid">
          {BUDGET_INPUTS.map((b) => (
            <div className="field" key={b.field}>
              <label htmlFor={b.field}>{b.label}</label>
              <input
                id={b.field}
                type="number"
                inputMode="decimal"
                step={b.step}
                min={b.min}
                max={b.max}
                placeholder={b.hint}
                value={values[b.field]}
                onChange={(e) => set(b.field, e.target.value)}
                {...aria(b.field)}
              />
              <FieldError id={`err-${b.field}`} message={errors[b.field]} />
            </div>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor="context">Context (JSON object, optional)</label>
        <textarea
          id="context"
          className="mono"
          rows={3}
          placeholder='{ "tripBudget": { "amount": 300000, "currency": "JPY" } }'
          value={values.context}
          onChange={(e) => set('context', e.target.value)}
          {...aria('context')}
        />
        <FieldError id="err-context" message={errors.context} />
      </div>
      <FieldError id="err-form" message={errors.form} />
      <div className="form-actions">
        <button type="submit" className="btn primary" data-testid="btn-submit" disabled={create.isPending}>
          {create.isPending ? 'Submitting…' : 'Start mission'}
        </button>
      </div>
    </form>
  );
}
