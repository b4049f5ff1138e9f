/**
 * The bench world's goals, written so a benchmark can say what it wants without travel phrasing:
 * - `bench: 20 sequential tasks, 1 tool call each`: a chain, each task waits for the one before;
 * - `bench: 10 parallel tasks` (`, 2 tool calls each` optional): all ready at once;
 * - `bench: graph of 500 tasks`: groups of ten leaves under a group task, the leaves of a group
 *   in parallel, each group after the one before (a big, deep graph for the planner).
 * Pure: text in, data out.
 */

export type BenchShape = 'sequential' | 'parallel' | 'graph';

export interface BenchSpec {
  shape: BenchShape;
  /** Leaf tasks (actors), 1..5000. */
  tasks: number;
  /** `bench_noop` calls per task, 0..20. */
  callsPerTask: number;
}

export const BENCH_GOAL_PREFIX = 'bench:';
export const GROUP_SIZE = 10;

const CALLS = /,\s*(\d+) tool calls? each/i;

/** Reads a bench goal; undefined when the text is not one. */
export function parseBenchGoal(goal: string): BenchSpec | undefined {
  const text = goal.trim();
  if (!text.toLowerCase().startsWith(BENCH_GOAL_PREFIX)) return undefined;
  const body = text.slice(BENCH_GOAL_PREFIX.length).trim();
  const callsPerTask = Number(CALLS.exec(body)?.[1] ?? 1);
  const m = /^(?:(\d+) (sequential|parallel) tasks?|graph of (\d+) tasks?)/i.exec(body);
  if (!m) return undefined;
  const tasks = Number(m[1] ?? m[3]);
  const shape = (m[2]?.toLowerCase() ?? 'graph') as BenchShape;
  if (!Number.isInteger(tasks) || tasks < 1 || tasks > 5000 || callsPerTask > 20) return undefined;
  return { shape, tasks, callsPerTask };
}

/** The goal text of a spec (what `parseBenchGoal` reads back). */
export function writeBenchGoal(spec: BenchSpec): string {
  const calls = `, ${spec.callsPerTask} tool call${spec.callsPerTask === 1 ? '' : 's'} each`;
  return spec.shape === 'graph' ? `bench: graph of ${spec.tasks} tasks${calls}` : `bench: ${spec.tasks} ${spec.shape} tasks${calls}`;
}

/** The text of a leaf task that the bench actor reads. */
export const leafDescription = (n: number, total: number, calls: number): string => `Call bench_noop ${calls} time(s) for bench task ${n} of ${total}, then report.`;

/** How many calls a leaf task asks for, read back from its description. */
export function callsOf(description: string): number | undefined {
  const m = /Call bench_noop (\d+) time\(s\) for bench task (\d+)/.exec(description);
  return m ? Number(m[1]) : undefined;
}

type Op = Record<string, unknown>;

const add = (id: string, title: string, description: string, dependsOn: string[], parentId?: string): Op => ({
  op: 'add',
  task: { id, ...(parentId ? { parentId } : {}), title, description, completionCriteria: 'bench_noop was called as asked and the task reported.', dependsOn },
});

/** The first plan of a spec: every task, added at once. */
export function benchPlan(spec: BenchSpec): Op[] {
  const pad = String(spec.tasks).length;
  const id = (n: number) => `t${String(n).padStart(pad, '0')}`;
  const leaf = (n: number, deps: string[], parent?: string) => add(id(n), `Bench task ${n}`, leafDescription(n, spec.tasks, spec.callsPerTask), deps, parent);
  if (spec.shape === 'parallel') return Array.from({ length: spec.tasks }, (_, i) => leaf(i + 1, []));
  if (spec.shape === 'sequential') return Array.from({ length: spec.tasks }, (_, i) => leaf(i + 1, i > 0 ? [id(i)] : []));
  const ops: Op[] = [];
  const groups = Math.ceil(spec.tasks / GROUP_SIZE);
  for (let g = 1; g <= groups; g++) {
    const gid = `g${String(g).padStart(String(groups).length, '0')}`;
    const prev = g > 1 ? [`g${String(g - 1).padStart(String(groups).length, '0')}`] : [];
    ops.push(add(gid, `Bench group ${g}`, `Group ${g} of ${groups}: its tasks run in parallel.`, prev));
    for (let n = (g - 1) * GROUP_SIZE + 1; n <= Math.min(spec.tasks, g * GROUP_SIZE); n++) ops.push(leaf(n, [], gid));
  }
  return ops;
}
