import type { GoalResult } from './run-goal.ts';

/** Sums over a run. */
export interface RunTotals {
  goals: number;
  passed: number;
  failed: number;
  skipped: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  plannerSteps: number;
  /** Sum of the goals' wall times (they overlap when concurrency > 1). */
  goalWallMs: number;
  /** The whole run, first submission to last result. */
  runWallMs: number;
}

/** A whole run, as written to `<suite>-<timestamp>.json` and read back by `--compare`. */
export interface RunResult {
  version: 1;
  suite: string;
  suitePath: string;
  startedAt: string;
  /** The models that answered, as the missions name them. */
  models: string[];
  simulated: boolean;
  concurrency: number;
  /** `in-process` or the server's URL. */
  target: string;
  goals: GoalResult[];
  totals: RunTotals;
}

/** Whether a goal counts as passed / failed / skipped (a skipped goal is neither). */
export function outcome(g: Pick<GoalResult, 'pass' | 'skipped'>): 'pass' | 'fail' | 'skip' {
  return g.pass ? 'pass' : g.skipped ? 'skip' : 'fail';
}

/** The totals of a run's goals. */
export function totalsOf(goals: GoalResult[], runWallMs: number): RunTotals {
  const sum = (f: (g: GoalResult) => number) => goals.reduce((s, g) => s + f(g), 0);
  return {
    goals: goals.length,
    passed: goals.filter((g) => outcome(g) === 'pass').length,
    failed: goals.filter((g) => outcome(g) === 'fail').length,
    skipped: goals.filter((g) => outcome(g) === 'skip').length,
    promptTokens: sum((g) => g.promptTokens),
    completionTokens: sum((g) => g.completionTokens),
    costUsd: Math.round(sum((g) => g.costUsd) * 1e6) / 1e6,
    plannerSteps: sum((g) => g.plannerSteps),
    goalWallMs: sum((g) => g.wallMs),
    runWallMs,
  };
}

/** `12,345` */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
/** `$0.0123` */
export const usd = (n: number): string => `$${n.toFixed(4)}`;
/** `3.2 s` */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** A table cell: no pipes or line breaks. */
export const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** A Markdown table from a header and rows; columns listed in `right` are right-aligned. */
export function table(header: string[], rows: string[][], right: number[] = []): string {
  const rule = header.map((_h, i) => (right.includes(i) ? '---:' : '---'));
  return [header, rule, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

const LABEL = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** The run as Markdown: a summary line, one row per goal with the checker's message, and totals. */
export function renderMarkdown(run: RunResult): string {
  const t = run.totals;
  const rows = run.goals.map((g) => [
    cell(g.id),
    LABEL[outcome(g)],
    g.status,
    int(g.promptTokens),
    int(g.completionTokens),
    usd(g.costUsd),
    secs(g.wallMs),
    String(g.plannerSteps),
    cell(g.message),
  ]);
  rows.push(['**total**', `**${t.passed}/${t.goals}**`, '', int(t.promptTokens), int(t.completionTokens), usd(t.costUsd), secs(t.goalWallMs), String(t.plannerSteps), `${t.failed} failed, ${t.skipped} skipped`]);
  return [
    `# Eval: ${run.suite}`,
    '',
    `Run ${run.startedAt} against ${run.target}; models: ${run.models.join(', ') || 'unknown'}${run.simulated ? ' (simulated model)' : ''}; concurrency ${run.concurrency}.`,
    `${t.passed} of ${t.goals} goals passed, ${t.failed} failed, ${t.skipped} skipped; run wall time ${secs(t.runWallMs)}.`,
    '',
    table(['goal', 'result', 'status', 'prompt tokens', 'completion tokens', 'cost', 'wall time', 'planner steps', 'message'], rows, [3, 4, 5, 6, 7]),
    '',
  ].join('\n');
}
