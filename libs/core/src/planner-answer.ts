import { applyOperations } from './reducer.ts';
import { formatIssues, PlannerOperation, type ArtifactRef, type TaskGraph } from '@aime/protocol';

/** What one planner answer contributes, read operation by operation. */
export interface ReadAnswer {
  thought: string;
  /** Operations applied to the graph, in order (dispatches are not among them: see `preferred`). */
  applied: PlannerOperation[];
  /** Ready tasks the planner asked to start first. */
  preferred: string[];
  /** The graph after the applied operations. */
  graph: TaskGraph;
  finish?: { status: 'succeeded' | 'failed'; answer: string; artifacts: ArtifactRef[] };
  /** Invalid operations, each naming its index and what is wrong: quoted back to the model. */
  errors: string[];
  /** Operations dropped as redundant (not errors): quoted back only for information. */
  notes: string[];
  /** Hidden tasks or groups the planner asked to see (`{"op":"expand","id"}`), answered within the step. */
  expand: string[];
}

const label = (raw: unknown): string => {
  if (typeof raw !== 'object' || raw === null) return JSON.stringify(raw)?.slice(0, 40) ?? String(raw);
  const o = raw as { op?: unknown; id?: unknown; task?: { id?: unknown } };
  const target = typeof o.id === 'string' ? o.id : typeof o.task?.id === 'string' ? o.task.id : undefined;
  return `${typeof o.op === 'string' ? o.op : '?'}${target ? ` "${target}"` : ''}`;
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renames the first present alias of a field to its name (the field itself wins). */
function alias(o: Obj, name: string, aliases: string[]): Obj {
  if (o[name] !== undefined) return o;
  const found = aliases.find((a) => o[a] !== undefined);
  if (!found) return o;
  const { [found]: value, ...rest } = o;
  return { ...rest, [name]: value };
}

/** A task as models write it: snake_case fields, a single dependency as a string. */
function normaliseTask(t: Obj): Obj {
  let out = alias(alias(alias(t, 'dependsOn', ['depends_on', 'dependencies', 'deps']), 'completionCriteria', ['completion_criteria', 'criteria']), 'parentId', ['parent_id', 'parent']);
  if (typeof out.dependsOn === 'string') out = { ...out, dependsOn: out.dependsOn ? [out.dependsOn] : [] };
  return out;
}

/**
 * An operation in the shapes real models write beside the schema's: `type`/`action` for
 * `op`, any case, and an `add` whose task fields sit on the operation itself. What is still
 * wrong after this is an error quoted back to the model, not guessed at.
 */
export function normaliseOperation(raw: unknown): unknown {
  if (!isObj(raw)) return raw;
  let o = alias(raw, 'op', ['type', 'action', 'operation']);
  if (typeof o.op === 'string') o = { ...o, op: o.op.trim().toLowerCase() };
  if (o.op === 'add') {
    if (!isObj(o.task) && typeof o.id === 'string') {
      const { op, ...fields } = o;
      o = { op, task: fields };
    }
    if (isObj(o.task)) o = { ...o, task: normaliseTask(o.task) };
  }
  if (o.op === 'update' && isObj(o.patch)) o = { ...o, patch: normaliseTask(o.patch) };
  return o;
}

/**
 * The ids of an `expand` operation (`id`, or `ids` as models also write it); undefined when
 * the operation is not one. Not a graph operation: the step shows the tasks and asks again.
 */
function expandIds(o: unknown): string[] | undefined {
  if (!isObj(o) || o.op !== 'expand') return undefined;
  const raw = [o.id, ...(Array.isArray(o.ids) ? o.ids : [])];
  return raw.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
}

/**
 * The operations list of a planner answer: `{operations: [...]}` as asked, or a bare array
 * of operations (some models drop the wrapper). An error string when neither is there.
 */
function operationsOf(value: unknown): { thought: string; ops: unknown[] } | string {
  if (Array.isArray(value)) return { thought: '', ops: value };
  if (typeof value !== 'object' || value === null) return 'the answer is not a JSON object';
  const o = value as { thought?: unknown; operations?: unknown; op?: unknown };
  const thought = typeof o.thought === 'string' ? o.thought : '';
  if (Array.isArray(o.operations)) return { thought, ops: o.operations };
  if (typeof o.op === 'string') return { thought, ops: [value] };
  return `the answer has no "operations" array (keys: ${Object.keys(o).join(', ') || 'none'})`;
}

/**
 * Reads a planner answer against the graph one operation at a time, so one bad operation
 * does not throw away the good ones: each valid operation is applied to the graph as it
 * stands after the ones before it; invalid ones are collected with their index and the
 * reducer's exact message. A `dispatch` of a task that is not ready (pending, running,
 * finished) is redundant, since the runtime starts ready tasks itself: it is dropped with
 * a note, not an error. Nothing may follow a `finish`.
 */
export function readPlannerAnswer(graph: TaskGraph, value: unknown, now: string): ReadAnswer {
  const out: ReadAnswer = { thought: '', applied: [], preferred: [], graph, errors: [], notes: [], expand: [] };
  const list = operationsOf(value);
  if (typeof list === 'string') {
    out.errors.push(list);
    return out;
  }
  out.thought = list.thought;
  list.ops.forEach((raw, i) => {
    const where = `operations[${i}] (${label(raw)})`;
    if (out.finish) {
      out.errors.push(`${where}: nothing may follow "finish" in the same answer`);
      return;
    }
    const normalised = normaliseOperation(raw);
    const expand = expandIds(normalised);
    if (expand !== undefined) {
      if (expand.length === 0) out.errors.push(`${where}: "expand" needs "id" (a task id, a group id or a hidden bucket such as "@succeeded")`);
      for (const id of expand) if (!out.expand.includes(id)) out.expand.push(id);
      return;
    }
    const parsed = PlannerOperation.safeParse(normalised);
    if (!parsed.success) {
      out.errors.push(`${where}: ${formatIssues(parsed.error.issues, { style: 'inline', root: '(op)' })}`);
      return;
    }
    const op = parsed.data;
    if (op.op === 'dispatch') {
      const t = out.graph.tasks.find((x) => x.id === op.id);
      if (!t) {
        out.errors.push(`${where}: there is no task "${op.id}"`);
      } else if (t.status === 'ready') {
        if (!out.preferred.includes(op.id)) out.preferred.push(op.id);
      } else {
        out.notes.push(`${where} dropped: "${op.id}" is ${t.status}; ready tasks are started automatically`);
      }
      return;
    }
    const r = applyOperations(out.graph, [op], { now });
    if (!r.ok) {
      out.errors.push(...r.errors.map((e) => `${where}: ${e.message.replace(/^op \d+ \([^)]*\):\s*/, '')}`));
      return;
    }
    out.graph = r.graph;
    out.applied.push(op);
    if (r.finish) out.finish = r.finish;
  });
  return out;
}

/** The message that asks the model to correct the rejected part of its answer. */
export function repairMessage(errors: string[], applied: PlannerOperation[], notes: string[]): string {
  const lines: string[] = [];
  if (applied.length) {
    lines.push(`Applied (they stay; do not repeat them): ${applied.map(label).join(', ')}.`);
  }
  lines.push(`Rejected${applied.length ? '' : ', so nothing was applied'}:`, ...errors.map((e) => `- ${e}`));
  if (notes.length) lines.push('Notes:', ...notes.map((n) => `- ${n}`));
  lines.push(
    applied.length
      ? 'Answer again with one JSON object {"thought": string, "operations": [...]} holding only the corrected operations (an empty list if none are needed).'
      : 'Answer again with one corrected JSON object {"thought": string, "operations": [...]}.',
  );
  return lines.join('\n');
}
