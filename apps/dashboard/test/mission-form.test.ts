import { describe, it, expect } from 'vitest';
import { EMPTY_FORM, TRAVEL_EXAMPLE, serverErrorsToFields, validateMissionForm } from '../src/lib/mission-form.ts';
import { parseJsonObject } from '../src/lib/json-object.ts';

const form = (over: Partial<typeof EMPTY_FORM>) => ({ ...EMPTY_FORM, goal: 'Plan a trip', ...over });

function errorsOf(r: ReturnType<typeof validateMissionForm>) {
  if (r.ok) throw new Error('expected validation errors');
  return r.errors;
}

describe('validateMissionForm', () => {
  it('requires a goal', () => {
    expect(errorsOf(validateMissionForm(form({ goal: '   ' }))).goal).toMatch(/goal/i);
  });

  it('refuses a goal over 8000 characters and accepts exactly 8000', () => {
    expect(errorsOf(validateMissionForm(form({ goal: 'x'.repeat(8001) }))).goal).toMatch(/8000/);
    expect(validateMissionForm(form({ goal: 'x'.repeat(8000) })).ok).toBe(true);
  });

  it('sends only the trimmed goal when no budget or context is given', () => {
    const r = validateMissionForm(form({ goal: '  Plan a trip  ' }));
    expect(r).toEqual({ ok: true, request: { goal: 'Plan a trip' } });
  });

  it('keeps maxParallelActors within 1..64', () => {
    expect(errorsOf(validateMissionForm(form({ maxParallelActors: '0' }))).maxParallelActors).toMatch(/1\.\.64, got 0/);
    expect(errorsOf(validateMissionForm(form({ maxParallelActors: '65' }))).maxParallelActors).toMatch(/1\.\.64, got 65/);
    const ok = validateMissionForm(form({ maxParallelActors: '64' }));
    expect(ok.ok && ok.request.budget).toEqual({ maxParallelActors: 64 });
  });

  it('requires whole positive numbers for token and step limits but allows fractional dollars', () => {
    const e = errorsOf(validateMissionForm(form({ maxTokens: '1.5', maxPlannerSteps: '-1', maxWallMs: 'abc', maxCostUsd: '0' })));
    expect(e.maxTokens).toMatch(/whole number/);
    expect(e.maxPlannerSteps).toBeDefined();
    expect(e.maxWallMs).toMatch(/number/);
    expect(e.maxCostUsd).toMatch(/greater than 0/);
    const ok = validateMissionForm(form({ maxCostUsd: '0.25', maxTokens: '5000' }));
    expect(ok.ok && ok.request.budget).toEqual({ maxCostUsd: 0.25, maxTokens: 5000 });
  });

  it('accepts only a JSON object as context', () => {
    expect(errorsOf(validateMissionForm(form({ context: '[1,2]' }))).context).toMatch(/object/);
    expect(errorsOf(validateMissionForm(form({ context: '{ bad json' }))).context).toMatch(/JSON/);
    expect(errorsOf(validateMissionForm(form({ context: 'null' }))).context).toMatch(/object/);
  });

  it('reports every invalid field at once, not only the first', () => {
    const e = errorsOf(validateMissionForm({ ...EMPTY_FORM, maxParallelActors: '100', context: '3' }));
    expect(Object.keys(e).sort()).toEqual(['context', 'goal', 'maxParallelActors']);
  });

  it('turns the travel example into the reference request, with the sell-out that makes the planner replan', () => {
    const r = validateMissionForm(TRAVEL_EXAMPLE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.goal).toContain('Seoul → Tokyo → Kyoto');
    expect(r.request.goal).toContain('Shinkansen');
    expect(r.request.context).toEqual({
      tripBudget: { amount: 300000, currency: 'JPY' },
      disruptions: [{ kind: 'sell_out_train', trainId: 'NOZOMI-0900-2026-12-02', trigger: 'after_search' }],
    });
  });
});

describe('parseJsonObject', () => {
  it('treats an empty field as no value', () => {
    expect(parseJsonObject('  ')).toEqual({ ok: true, value: undefined });
  });
  it('reads the disruption example', () => {
    const r = parseJsonObject('{ "disruption": { "kind": "sell_out_train", "trainId": "NOZOMI-0900-2026-12-02" } }');
    expect(r).toEqual({ ok: true, value: { disruption: { kind: 'sell_out_train', trainId: 'NOZOMI-0900-2026-12-02' } } });
  });
});

describe('serverErrorsToFields', () => {
  const base = { code: 'validation_failed', message: 'Invalid request' };

  it('places zod-style issues next to their fields', () => {
    const e = serverErrorsToFields({
      ...base,
      details: [
        { path: ['budget', 'maxParallelActors'], message: 'Too big: expected <= 64' },
        { path: ['goal'], message: 'Too small' },
      ],
    });
    expect(e).toEqual({ maxParallelActors: 'Too big: expected <= 64', goal: 'Too small' });
  });

  it('reads issues wrapped in { issues } and dotted string paths with a body prefix', () => {
    const e = serverErrorsToFields({ ...base, details: { issues: [{ path: 'body.context', message: 'Expected object' }] } });
    expect(e).toEqual({ context: 'Expected object' });
  });

  it('uses the error message for a single { path } detail', () => {
    expect(serverErrorsToFields({ code: 'validation_failed', message: 'goal must be 1..8000 characters', details: { path: 'goal' } })).toEqual({
      goal: 'goal must be 1..8000 characters',
    });
  });

  it('reads a flattened { fieldErrors } map', () => {
    expect(serverErrorsToFields({ ...base, details: { fieldErrors: { goal: ['Required'] } } })).toEqual({ goal: 'Required' });
  });

  it('puts an error about no known field on the form', () => {
    expect(serverErrorsToFields({ ...base, details: [{ path: ['metadata', 'x'], message: 'bad' }] })).toEqual({ form: 'bad' });
    expect(serverErrorsToFields({ code: 'payload_too_large', message: 'Body over 1 MB' })).toEqual({ form: 'Body over 1 MB' });
  });
});
