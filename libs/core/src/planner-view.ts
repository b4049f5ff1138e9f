/**
 * What of a big task graph the planner model is shown: the open frontier in full, the rest as
 * one line per hidden group, so the planner prompt grows with the frontier, not with the
 * mission's history (issue 12 item 5). Pure; the commander renders the result.
 */
import type { Task, TaskGraph, TaskStatus } from '@aime/protocol';
import { ancestorsOf, effectiveDependencies, indexGraph, isLeaf, subtreeOf, type GraphIndex } from './graph-index.ts';
import { satisfiesDependency } from './transitions.ts';

/** Options of {@link plannerTaskView}. */
export interface PlannerViewOptions {
  /** Graphs of at most this many tasks are shown whole. @default 40 */
  wholeUpTo?: number;
  /** Pending tasks of the next wave (every dependency finished or open now) listed at most. @default 20 */
  maxWaiting?: number;
  /**
   * Ids the planner asked to see again (`{"op":"expand","id"}`): a task, a group (its whole
   * subtree), or a hidden bucket's id (`@succeeded`…).
   */
  expanded?: readonly string[];
  /** Tasks the step's news is about: always listed. */
  mentioned?: readonly string[];
}

/** Tasks left out of the planner's view, one line in the prompt. */
export interface HiddenGroup {
  /** A top-level group's task id, or `@<status>` for ungrouped tasks of one status. */
  id: string;
  /** The group's title, or a description of the bucket. */
  title: string;
  count: number;
  byStatus: Partial<Record<TaskStatus, number>>;
  /** First and last hidden task id, in graph order. */
  firstId: string;
  lastId: string;
  /**
   * Set when consecutive top-level groups whose hidden tasks all share one status are summed up
   * as one line: how many groups, and the last one's id (`id` is the first's).
   */
  groups?: { count: number; lastId: string };
}

export interface PlannerView {
  /** Tasks listed in full, in graph order. */
  listed: Task[];
  /** Groups of tasks left out; empty when the whole graph is listed. */
  hidden: HiddenGroup[];
}

/** Statuses whose tasks ask something of the planner now. */
const OPEN: ReadonlySet<TaskStatus> = new Set(['running', 'ready', 'failed', 'blocked']);
/** Prefix of a bucket id (`@succeeded`): never a task id, which is kebab-case. */
export const HIDDEN_BUCKET_PREFIX = '@';

/** A pending task whose every dependency is finished or open now: the next to become ready. */
function isNextWave(ix: GraphIndex, t: Task): boolean {
  return effectiveDependencies(ix, t.id).every(({ id }) => {
    const dep = ix.byId.get(id);
    return dep === undefined || satisfiesDependency(dep.status) || OPEN.has(dep.status);
  });
}

/**
 * Chooses the tasks a planner step shows. Small graphs are shown whole. Otherwise: every task
 * that is running, ready, failed or blocked; the next wave of pending tasks (up to
 * `maxWaiting`); the tasks the news is about and those the planner expanded; the dependencies
 * of all of these (their results are what the open tasks build on); and their ancestors. The
 * rest is summarised per top-level group, or per status for ungrouped tasks.
 */
export function plannerTaskView(graph: TaskGraph, opts: PlannerViewOptions = {}): PlannerView {
  const wholeUpTo = opts.wholeUpTo ?? 40;
  const maxWaiting = opts.maxWaiting ?? 20;
  const tasks = graph.tasks;
  if (tasks.length <= wholeUpTo) return { listed: [...tasks], hidden: [] };
  const ix = indexGraph(tasks);
  const shown = new Set<string>();
  const leaves = tasks.filter((t) => isLeaf(ix, t.id));
  for (const t of leaves) if (OPEN.has(t.status)) shown.add(t.id);
  let waiting = 0;
  for (const t of leaves) {
    if (waiting >= maxWaiting) break;
    if (t.status === 'pending' && isNextWave(ix, t)) {
      shown.add(t.id);
      waiting++;
    }
  }
  for (const id of opts.mentioned ?? []) if (ix.byId.has(id)) shown.add(id);
  const expanded = new Set(opts.expanded ?? []);
  for (const id of expanded) {
    if (id.startsWith(HIDDEN_BUCKET_PREFIX)) continue;
    for (const t of subtreeOf(ix, id)) shown.add(t.id);
  }
  for (const id of [...shown]) for (const d of ix.byId.get(id)?.dependsOn ?? []) if (ix.byId.has(d)) shown.add(d);
  for (const id of [...shown]) for (const a of ancestorsOf(ix, id)) shown.add(a);

  const hidden = new Map<string, HiddenGroup>();
  const listed: Task[] = [];
  for (const t of tasks) {
    const top = [t.id, ...ancestorsOf(ix, t.id)].at(-1) as string;
    const grouped = top !== t.id || !isLeaf(ix, t.id);
    const bucket = grouped ? top : `${HIDDEN_BUCKET_PREFIX}${t.status}`;
    if (shown.has(t.id) || expanded.has(bucket)) {
      listed.push(t);
      continue;
    }
    let g = hidden.get(bucket);
    if (!g) {
      const title = grouped ? (ix.byId.get(top)?.title ?? top) : `ungrouped ${t.status} tasks`;
      g = { id: bucket, title, count: 0, byStatus: {}, firstId: t.id, lastId: t.id };
      hidden.set(bucket, g);
    }
    g.count++;
    g.byStatus[t.status] = (g.byStatus[t.status] ?? 0) + 1;
    g.lastId = t.id;
  }
  return { listed, hidden: mergeRuns([...hidden.values()]) };
}

/** The one status of a hidden group, when its tasks share one. */
function soleStatus(h: HiddenGroup): TaskStatus | undefined {
  const statuses = Object.keys(h.byStatus) as TaskStatus[];
  return statuses.length === 1 ? statuses[0] : undefined;
}

/** Sums up runs of consecutive top-level groups of one status (a long finished history) as one entry each. */
function mergeRuns(hidden: HiddenGroup[]): HiddenGroup[] {
  const out: HiddenGroup[] = [];
  for (const h of hidden) {
    const prev = out.at(-1);
    const status = soleStatus(h);
    if (prev && status !== undefined && !h.id.startsWith(HIDDEN_BUCKET_PREFIX) && !prev.id.startsWith(HIDDEN_BUCKET_PREFIX) && soleStatus(prev) === status) {
      prev.groups = { count: (prev.groups?.count ?? 1) + 1, lastId: h.id };
      prev.count += h.count;
      prev.byStatus[status] = (prev.byStatus[status] ?? 0) + h.count;
      prev.lastId = h.lastId;
    } else out.push({ ...h, byStatus: { ...h.byStatus } });
  }
  return out;
}

/**
 * The tasks an `expand` asks for, in graph order: a task id gives its subtree, a bucket id
 * (`@succeeded`) the ungrouped tasks of that status. `unknown`: ids that match nothing.
 */
export function expandedTasks(graph: TaskGraph, ids: readonly string[]): { tasks: Task[]; unknown: string[] } {
  const ix = indexGraph(graph.tasks);
  const want = new Set<string>();
  const unknown: string[] = [];
  for (const id of ids) {
    const matched = id.startsWith(HIDDEN_BUCKET_PREFIX)
      ? graph.tasks.filter((t) => `${HIDDEN_BUCKET_PREFIX}${t.status}` === id && t.parentId === undefined && isLeaf(ix, t.id))
      : subtreeOf(ix, id);
    if (matched.length === 0) unknown.push(id);
    for (const t of matched) want.add(t.id);
  }
  return { tasks: graph.tasks.filter((t) => want.has(t.id)), unknown };
}
