import { CreateMissionRequest } from '@aime/protocol';
import type { Budget } from '@aime/protocol';
import { parseJsonObject } from './json-object.ts';

/** The new-mission form as typed: every field is the raw input text. */
export interface MissionFormValues {
  goal: string;
  maxTokens: string;
  maxCostUsd: string;
  maxWallMs: string;
  maxPlannerSteps: string;
  maxParallelActors: string;
  context: string;
}

export type MissionFormField = keyof MissionFormValues;
/** A message per field; `form` holds what belongs to no single field. */
export type FieldErrors = Partial<Record<MissionFormField | 'form', string>>;

export const GOAL_MAX = 8000;

export const BUDGET_FIELDS = ['maxTokens', 'maxCostUsd', 'maxWallMs', 'maxPlannerSteps', 'maxParallelActors'] as const;
export type BudgetField = (typeof BUDGET_FIELDS)[number];

export const EMPTY_FORM: MissionFormValues = {
  goal: '',
  maxTokens: '',
  maxCostUsd: '',
  maxWallMs: '',
  maxPlannerSteps: '',
  maxParallelActors: '',
  context: '',
};

/** The reference mission of the demo world. */
export const TRAVEL_EXAMPLE: MissionFormValues = {
  ...EMPTY_FORM,
  goal: 'Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people under ¥300,000, taking the Shinkansen from Tokyo to Kyoto on day 2',
  // The demo's disruption: the chosen Shinkansen sells out once it has been found, so the planner replans.
  context: JSON.stringify(
    { tripBudget: { amount: 300000, currency: 'JPY' }, disruptions: [{ kind: 'sell_out_train', trainId: 'NOZOMI-0900-2026-12-02', trigger: 'after_search' }] },
    null,
    2,
  ),
};

interface NumberRule {
  integer: boolean;
  min: number;
  max?: number;
  label: string;
}

const RULES: Record<BudgetField, NumberRule> = {
  maxTokens: { integer: true, min: 1, label: 'Max tokens' },
  maxCostUsd: { integer: false, min: Number.MIN_VALUE, label: 'Max cost (USD)' },
  maxWallMs: { integer: true, min: 1, label: 'Max wall time (ms)' },
  maxPlannerSteps: { integer: true, min: 1, max: 10_000, label: 'Max planner steps' },
  maxParallelActors: { integer: true, min: 1, max: 64, label: 'Max parallel actors' },
};

function checkNumber(text: string, rule: NumberRule): { value?: number; error?: string } {
  const t = text.trim();
  if (t === '') return {};
  const n = Number(t);
  if (!Number.isFinite(n)) return { error: `${rule.label} must be a number, got "${t}"` };
  if (rule.integer && !Number.isInteger(n)) return { error: `${rule.label} must be a whole number, got ${t}` };
  if (rule.max !== undefined && (n < rule.min || n > rule.max)) {
    return { error: `${rule.label} must be ${rule.min}..${rule.max}, got ${t}` };
  }
  if (n < rule.min || n <= 0) return { error: `${rule.label} must be greater than 0, got ${t}` };
  return { value: n };
}

/** Validates the form with the same limits as the API; on success returns the request body. */
export function validateMissionForm(
  v: MissionFormValues,
): { ok: true; request: CreateMissionRequest } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const goal = v.goal.trim();
  if (goal === '') errors.goal = 'Describe the goal of the mission';
  else if (goal.length > GOAL_MAX) errors.goal = `The goal must be at most ${GOAL_MAX} characters (now ${goal.length})`;

  const budget: Budget = {};
  for (const field of BUDGET_FIELDS) {
    const r = checkNumber(v[field], RULES[field]);
    if (r.error) errors[field] = r.error;
    else if (r.value !== undefined) budget[field] = r.value;
  }

  const ctx = parseJsonObject(v.context);
  if (!ctx.ok) errors.context = ctx.error;

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const body: Record<string, unknown> = { goal };
  if (Object.keys(budget).length > 0) body.budget = budget;
  if (ctx.ok && ctx.value) body.context = ctx.value;
  // The protocol schema is the final word, so the form can never send what the server refuses.
  const parsed = CreateMissionRequest.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path.map(String));
      errors[field] ??= issue.message;
    }
    return { ok: false, errors };
  }
  return { ok: true, request: parsed.data };
}

/** Maps an error path (`budget.maxTokens`, `body.goal`, `context.x`) to the form field showing it. */
export function fieldOfPath(path: readonly string[]): MissionFormField | 'form' {
  const parts = path[0] === 'body' ? path.slice(1) : path;
  const [head, second] = parts;
  if (head === 'goal' || head === 'context') return head;
  if (head === 'budget' && second !== undefined && (BUDGET_FIELDS as readonly string[]).includes(second)) return second as BudgetField;
  if (head !== undefined && (BUDGET_FIELDS as readonly string[]).includes(head)) return head as BudgetField;
  return 'form';
}

function toPath(p: unknown): string[] | undefined {
  if (Array.isArray(p)) return p.map(String);
  if (typeof p === 'string') return p.split(/[.[\]/]+/).filter(Boolean);
  return undefined;
}

function messageOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (Array.isArray(x) && typeof x[0] === 'string') return x[0];
  if (x && typeof x === 'object' && typeof (x as { message?: unknown }).message === 'string') return (x as { message: string }).message;
  return undefined;
}

/**
 * Places a server 400 `{ code, message, details }` next to the fields it is about.
 * API.md promises "the field path" but not its exact shape, so this accepts zod-style
 * issue lists, `{ path }` objects, `{ fieldErrors }` and plain `{ path: message }` maps.
 */
export function serverErrorsToFields(error: { code: string; message: string; details?: unknown }): FieldErrors {
  const out: FieldErrors = {};
  const put = (path: string[] | undefined, msg: string | undefined) => {
    const field = path ? fieldOfPath(path) : 'form';
    out[field] ??= msg ?? error.message;
  };
  const d = error.details;
  const issues = Array.isArray(d) ? d : d && typeof d === 'object' && Array.isArray((d as { issues?: unknown }).issues) ? (d as { issues: unknown[] }).issues : undefined;
  if (issues) {
    for (const i of issues) {
      if (i && typeof i === 'object') put(toPath((i as { path?: unknown }).path ?? (i as { field?: unknown }).field), messageOf(i));
    }
  } else if (d && typeof d === 'object') {
    const obj = d as Record<string, unknown>;
    const single = obj.path ?? obj.field;
    if (single !== undefined) put(toPath(single), messageOf(obj));
    else {
      const map = obj.fieldErrors && typeof obj.fieldErrors === 'object' ? (obj.fieldErrors as Record<string, unknown>) : obj;
      for (const [k, v] of Object.entries(map)) put(toPath(k), messageOf(v));
    }
  }
  if (Object.keys(out).length === 0) out.form = error.message;
  return out;
}
