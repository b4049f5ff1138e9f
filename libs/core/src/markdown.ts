import { isTerminalTaskStatus } from '@aime/protocol';
import type { Task, TaskGraph, TaskStatus } from '@aime/protocol';
import { indexGraph, isLeaf, subtreeOf } from './graph-index.ts';
import type { GraphIndex } from './graph-index.ts';
import { progressCounts } from './queries.ts';

/** Options of {@link renderProgressMarkdown}. */
export interface ProgressMarkdownOptions {
  /** Upper bound on the length of the text. @default 12000 */
  maxChars?: number;
  /** Report summaries (and reference lists) are cut to this many characters. @default 280 */
  summaryChars?: number;
}

const MARKS: Record<TaskStatus, string> = {
  succeeded: '[x]',
  pending: '[ ]',
  ready: '[ ]',
  running: '[~]',
  failed: '[!]',
  blocked: '[!]',
  skipped: '[-]',
  cancelled: '[-]',
};

const URGENCY: readonly TaskStatus[] = ['running', 'failed', 'blocked', 'ready', 'pending'];

/** How much to compact; each level of {@link renderProgressMarkdown} tightens one knob. */
interface Plan {
  collapse: boolean;
  /** Finished leaves shown as a headline only. */
  bare: ReadonlySet<string>;
  /** Finished units (leaves or collapsed subtrees) left out, by root id. */
  omitted: ReadonlySet<string>;
  omittedCount: number;
  /** When false, unfinished tasks keep only their headline (running ones their progress). */
  unfinishedDetails: boolean;
  titleMax: number;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function cut(s: string, max: number): string {
  const t = oneLine(s);
  return t.length <= max ? t : `${t.slice(0, Math.max(0, max - 1))}…`;
}

function headline(t: Task, plan: Plan): string {
  const attempt = t.attempts > 1 ? ` (attempt ${t.attempts})` : '';
  return `- ${MARKS[t.status]} **${cut(t.title, plan.titleMax)}** (\`${t.id}\`) — ${t.status}${attempt}`;
}

function details(t: Task, summaryChars: number): string[] {
  const out: string[] = [];
  if (t.completionCriteria.trim() !== '') out.push(`criteria: ${oneLine(t.completionCriteria)}`);
  if (t.dependsOn.length > 0) out.push(`depends on: ${t.dependsOn.join(', ')}`);
  if (t.status === 'running' && t.progress) out.push(`progress: ${cut(`${t.progress.status}: ${t.progress.message}`, summaryChars)}`);
  if (t.report && t.status !== 'running') {
    const label = t.report.status === t.status ? 'summary' : `last report (${t.report.status})`;
    out.push(`${label}: ${cut(t.report.summary, summaryChars)}`);
    const refs = [...t.report.artifacts.map((a) => a.uri), ...t.report.references];
    if (refs.length > 0) out.push(`refs: ${cut(refs.join(', '), summaryChars)}`);
  }
  if (t.reason !== undefined && t.reason.trim() !== '' && t.status !== 'running') out.push(`reason: ${cut(t.reason, summaryChars)}`);
  return out;
}

/** A parent whose whole subtree is finished can be shown as one line. */
function isFinishedSubtree(ix: GraphIndex, t: Task): boolean {
  let memo = finishedSubtreeMemo.get(ix);
  if (!memo) finishedSubtreeMemo.set(ix, (memo = new Map()));
  let v = memo.get(t.id);
  if (v === undefined) {
    v = !isLeaf(ix, t.id) && subtreeOf(ix, t.id).every((d) => isTerminalTaskStatus(d.status));
    memo.set(t.id, v);
  }
  return v;
}
const finishedSubtreeMemo = new WeakMap<GraphIndex, Map<string, boolean>>();

function collapsedLine(ix: GraphIndex, t: Task, plan: Plan): string {
  const n = subtreeOf(ix, t.id).length - 1;
  const tail = t.status === 'succeeded' ? `${n} subtasks done` : `${t.status}, ${n} subtasks`;
  return `- ${MARKS[t.status]} **${cut(t.title, plan.titleMax)}** (\`${t.id}\`) — ${tail}`;
}

function header(graph: TaskGraph, ix: GraphIndex): string {
  const { done, total } = progressCounts(graph);
  const counts = URGENCY.map((s) => [s, graph.tasks.filter((t) => t.status === s && isLeaf(ix, t.id)).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `Progress: ${done}/${total} tasks done${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`;
}

/** Top-level tasks, plus any task whose parent is missing or that sits in a parent loop. */
function roots(ix: GraphIndex): Task[] {
  const reached = new Set<string>();
  const out: Task[] = [];
  for (const t of ix.byId.values()) {
    if (t.parentId === undefined || !ix.byId.has(t.parentId)) {
      out.push(t);
      for (const d of subtreeOf(ix, t.id)) reached.add(d.id);
    }
  }
  for (const t of ix.byId.values()) {
    if (reached.has(t.id)) continue;
    out.push(t);
    for (const d of subtreeOf(ix, t.id)) reached.add(d.id);
  }
  return out;
}

function render(graph: TaskGraph, ix: GraphIndex, plan: Plan, summaryChars: number): string {
  const lines: string[] = [header(graph, ix), ''];
  if (plan.omittedCount > 0) lines.push(`- … and ${plan.omittedCount} more finished tasks`);
  const seen = new Set<string>();
  const visit = (t: Task, depth: number): void => {
    if (seen.has(t.id) || plan.omitted.has(t.id)) return;
    seen.add(t.id);
    const pad = '  '.repeat(depth);
    if (plan.collapse && isFinishedSubtree(ix, t)) {
      lines.push(pad + collapsedLine(ix, t, plan));
      return;
    }
    lines.push(pad + headline(t, plan));
    const finished = isTerminalTaskStatus(t.status);
    let extra: string[] = [];
    if (finished ? !plan.bare.has(t.id) : plan.unfinishedDetails) extra = details(t, summaryChars);
    else if (t.status === 'running') extra = details(t, summaryChars).filter((l) => l.startsWith('progress: '));
    for (const l of extra) lines.push(`${pad}  - ${l}`);
    for (const c of ix.children.get(t.id) ?? []) visit(c, depth + 1);
  };
  for (const r of roots(ix)) visit(r, 0);
  return lines.join('\n');
}

/** The finished units in graph order once finished subtrees are collapsed: leaves and collapsed roots. */
function finishedUnits(ix: GraphIndex, tasks: readonly Task[]): Array<{ id: string; leaf: boolean; size: number }> {
  const out: Array<{ id: string; leaf: boolean; size: number }> = [];
  const inside = new Set<string>();
  for (const t of tasks) {
    if (inside.has(t.id) || !isFinishedSubtree(ix, t)) continue;
    const parent = t.parentId === undefined ? undefined : ix.byId.get(t.parentId);
    if (parent && isFinishedSubtree(ix, parent)) continue;
    for (const d of subtreeOf(ix, t.id)) if (d.id !== t.id) inside.add(d.id);
  }
  for (const t of tasks) {
    if (inside.has(t.id) || !isTerminalTaskStatus(t.status)) continue;
    if (isLeaf(ix, t.id)) out.push({ id: t.id, leaf: true, size: 1 });
    else if (isFinishedSubtree(ix, t)) out.push({ id: t.id, leaf: false, size: subtreeOf(ix, t.id).length });
  }
  return out;
}

/** Smallest k in [0, n] for which `fits(k)` holds, assuming it is monotone; `undefined` if none. */
function smallestFitting(n: number, fits: (k: number) => boolean): number | undefined {
  if (!fits(n)) return undefined;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Last resort: only unfinished tasks, most urgent first, as many as fit. */
function renderUrgentOnly(graph: TaskGraph, ix: GraphIndex, maxChars: number): string {
  const plan: Plan = { collapse: false, bare: new Set(), omitted: new Set(), omittedCount: 0, unfinishedDetails: false, titleMax: 40 };
  const unfinished = graph.tasks.filter((t) => isLeaf(ix, t.id) && !isTerminalTaskStatus(t.status));
  unfinished.sort((a, b) => URGENCY.indexOf(a.status) - URGENCY.indexOf(b.status) || (ix.position.get(a.id) ?? 0) - (ix.position.get(b.id) ?? 0));
  const finishedCount = graph.tasks.length - unfinished.length;
  const lines = [header(graph, ix), '', '(compacted: only unfinished subtasks are listed, most urgent first)'];
  let used = lines.join('\n').length;
  let shown = 0;
  for (const t of unfinished) {
    const line = headline(t, plan);
    const trailer = `\n- … and ${unfinished.length - shown - 1} more unfinished and ${finishedCount} finished tasks`;
    if (used + 1 + line.length + trailer.length > maxChars) break;
    lines.push(line);
    used += 1 + line.length;
    shown++;
  }
  lines.push(`- … and ${unfinished.length - shown} more unfinished and ${finishedCount} finished tasks`);
  return lines.join('\n');
}

/**
 * Renders the task graph as AIME's hierarchical Markdown progress list, the text the
 * planner model reads. Every task shows as `- [x] **Title** (\`id\`) — status` with
 * `[x]` succeeded, `[ ]` pending/ready, `[~]` running, `[!]` failed/blocked, `[-]`
 * skipped/cancelled; under it its criteria, dependencies, progress (running), report
 * summary and refs, and block/skip reason. Subtasks are indented under their parent.
 *
 * When the text would exceed `maxChars`, it is compacted step by step: finished subtrees
 * collapse to one line, then the oldest finished leaves lose their details, then the oldest
 * finished tasks are summarised as `… and N more finished tasks`, then unfinished tasks
 * lose their details. Running, ready, pending, failed and blocked tasks are never dropped,
 * unless even their headlines cannot fit: then only unfinished leaves are listed, most
 * urgent (running) first. The result is deterministic and never longer than `maxChars`.
 */
export function renderProgressMarkdown(graph: TaskGraph, opts: ProgressMarkdownOptions = {}): string {
  const maxChars = Math.max(1, Math.floor(opts.maxChars ?? 12_000));
  const summaryChars = Math.max(1, Math.floor(opts.summaryChars ?? 280));
  const ix = indexGraph(graph.tasks);
  const bounded = (s: string): string => (s.length <= maxChars ? s : s.slice(0, maxChars));
  if (graph.tasks.length === 0) return bounded('Progress: no tasks yet.');

  const base: Plan = { collapse: false, bare: new Set(), omitted: new Set(), omittedCount: 0, unfinishedDetails: true, titleMax: 300 };
  const attempt = (plan: Plan): string | undefined => {
    const text = render(graph, ix, plan, summaryChars);
    return text.length <= maxChars ? text : undefined;
  };

  const full = attempt(base);
  if (full !== undefined) return full;
  const collapsed: Plan = { ...base, collapse: true };
  const c = attempt(collapsed);
  if (c !== undefined) return c;

  const units = finishedUnits(ix, graph.tasks);
  const leaves = units.filter((u) => u.leaf).map((u) => u.id);
  const bareFirst = (k: number): Plan => ({ ...collapsed, bare: new Set(leaves.slice(0, k)) });
  const k1 = smallestFitting(leaves.length, (k) => attempt(bareFirst(k)) !== undefined);
  if (k1 !== undefined) return attempt(bareFirst(k1)) as string;

  const allBare = bareFirst(leaves.length);
  const omitFirst = (k: number, p: Plan): Plan => {
    const dropped = units.slice(0, k);
    return { ...p, omitted: new Set(dropped.map((u) => u.id)), omittedCount: dropped.reduce((n, u) => n + u.size, 0) };
  };
  const k2 = smallestFitting(units.length, (k) => attempt(omitFirst(k, allBare)) !== undefined);
  if (k2 !== undefined) return attempt(omitFirst(k2, allBare)) as string;

  const lean: Plan = { ...omitFirst(units.length, allBare), unfinishedDetails: false };
  const l = attempt(lean) ?? attempt({ ...lean, titleMax: 60 });
  if (l !== undefined) return l;
  return bounded(renderUrgentOnly(graph, ix, maxChars));
}
