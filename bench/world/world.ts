import { goalOf, section, type SimAnswer, type SimRequest, type SimWorld } from '@aime/sim';
import { benchPlan, callsOf, parseBenchGoal } from './goals.ts';

/**
 * The bench world of the simulated model: trivial tasks that call one trivial tool, so a
 * benchmark measures the runtime, not a world. Registered by the benchmarks
 * (`registerWorld(benchWorld)`); needs no change under libs/sim.
 */

const OPEN = ['pending', 'ready', 'running', 'blocked', 'awaiting_approval', 'paused'];
const STATUS = /(\d+) (pending|ready|running|blocked|awaiting_approval|paused|succeeded|failed|skipped|cancelled)\b/g;

interface TableState {
  rows: number;
  open: number;
  failed: Array<{ id: string; attempts: number }>;
}

/** The task table read back: its rows, and the statuses of hidden groups (a big plan's table lists only the frontier). */
export function readTable(prompt: string): TableState {
  const table = section(prompt, /^## task table/i) ?? '';
  const state: TableState = { rows: 0, open: 0, failed: [] };
  for (const line of table.split('\n')) {
    const row = /^- id: ([^;]+); status: (\w+);.*?attempts: (\d+)/.exec(line);
    if (row) {
      state.rows += 1;
      if (OPEN.includes(row[2]!)) state.open += 1;
      if (row[2] === 'failed') state.failed.push({ id: row[1]!, attempts: Number(row[3]) });
      continue;
    }
    if (line.startsWith('- hidden: ')) {
      state.rows += 1;
      const counts = line.slice(0, line.indexOf(';') > 0 ? line.indexOf(';') : undefined);
      for (const m of counts.matchAll(STATUS)) if (OPEN.includes(m[2]!)) state.open += Number(m[1]);
    }
  }
  return state;
}

const json = (v: unknown): SimAnswer => ({ content: JSON.stringify(v) });

function planner(req: SimRequest): SimAnswer {
  const spec = parseBenchGoal(goalOf(req));
  if (!spec) return json({ thought: 'Not a bench goal I can read.', operations: [{ op: 'finish', status: 'failed', answer: 'The bench world reads goals like "bench: 20 sequential tasks, 1 tool call each".' }] });
  const prompt = req.messages.find((m) => m.role === 'user')?.content ?? '';
  const table = readTable(prompt);
  if (table.rows === 0) return json({ thought: `Plan ${spec.tasks} ${spec.shape} bench tasks.`, operations: benchPlan(spec) });
  const retry = table.failed.filter((t) => t.attempts < 3);
  if (retry.length) return json({ thought: `Retry ${retry.map((t) => t.id).join(', ')}.`, operations: retry.map((t) => ({ op: 'retry', id: t.id })) });
  if (table.failed.length) return json({ thought: 'A bench task failed three times.', operations: [{ op: 'finish', status: 'failed', answer: `Bench tasks failed: ${table.failed.map((t) => t.id).join(', ')}.` }] });
  if (table.open > 0) return json({ thought: `Waiting for ${table.open} open task(s).`, operations: [] });
  return json({ thought: 'Every bench task is done.', operations: [{ op: 'finish', status: 'succeeded', answer: `All ${spec.tasks} bench tasks are done.` }] });
}

function factory(req: SimRequest): SimAnswer {
  const text = req.messages.map((m) => m.content).join('\n');
  const listed = /^- bench\b/m.test(section(text, /bundles/i) ?? '');
  return json({ persona: { name: 'Bench Worker', role: 'Runs one bench task', traits: ['fast'] }, bundles: listed ? ['bench'] : [] });
}

function actor(req: SimRequest): SimAnswer {
  const system = req.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  const task = section(system, /^##\s+(?:your\s+)?task\b/i) ?? system;
  const want = callsOf(task) ?? 1;
  const id = /^id: (.+)$/m.exec(task)?.[1]?.trim() ?? 'task';
  const done = req.messages.filter((m) => m.role === 'tool');
  const failed = done.find((m) => /^\s*error\b/i.test(m.content));
  if (failed) return { toolCalls: [{ name: 'submit_report', arguments: { status: 'failed', summary: `bench_noop failed: ${failed.content}`, references: [] } }] };
  if (done.length < want) return { toolCalls: [{ name: 'bench_noop', arguments: { task: id, call: done.length + 1 } }] };
  return { toolCalls: [{ name: 'submit_report', arguments: { status: 'succeeded', summary: `Called bench_noop ${want} time(s).`, references: [`bench:${id}`] } }] };
}

export const benchWorld: SimWorld = {
  name: 'bench',
  matches: (goal) => parseBenchGoal(goal) !== undefined,
  summary: 'run synthetic bench missions, for goals like "bench: 20 sequential tasks, 1 tool call each"',
  planner,
  factory,
  actor,
};
