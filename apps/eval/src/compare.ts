import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from './errors.ts';
import { cell, int, outcome, secs, table, usd, type RunResult } from './report.ts';
import type { GoalResult } from './run-goal.ts';

/** The part of a results file `--compare` relies on, checked so a wrong file gets a clear message. */
const ResultsFile = z.object({
  version: z.literal(1),
  suite: z.string(),
  startedAt: z.string(),
  goals: z.array(z.object({ id: z.string(), pass: z.boolean(), promptTokens: z.number(), completionTokens: z.number(), costUsd: z.number(), wallMs: z.number() }).passthrough()),
  totals: z.object({ passed: z.number(), goals: z.number() }).passthrough(),
}).passthrough();

/** Reads a results JSON written by a run. @throws UsageError when it is missing or not one */
export async function readResults(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON: give the .json file an eval run wrote`);
  }
  const parsed = ResultsFile.safeParse(json);
  if (!parsed.success) throw new UsageError(`${path} is not an eval results file (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  return parsed.data as unknown as RunResult;
}

/** How a goal's result changed from run a to run b. */
export type Change = 'pass→fail' | 'fail→pass' | 'same' | 'only in a' | 'only in b';

/** One goal of the comparison. */
export interface GoalDiff {
  id: string;
  a?: 'pass' | 'fail' | 'skip';
  b?: 'pass' | 'fail' | 'skip';
  change: Change;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  wallMs: number;
}

/** A comparison of two runs, goal by goal (b minus a). */
export interface Comparison {
  goals: GoalDiff[];
  regressions: number;
  fixes: number;
  totals: { passedA: number; passedB: number; promptTokens: number; completionTokens: number; costUsd: number; wallMs: number };
}

/** `+1,234`, `-$0.0100`, `±0`. */
const delta = (n: number, fmt: (x: number) => string): string => (n === 0 ? '±0' : `${n > 0 ? '+' : '-'}${fmt(Math.abs(n))}`);

function changeOf(a: GoalResult | undefined, b: GoalResult | undefined): Change {
  if (!a) return 'only in b';
  if (!b) return 'only in a';
  const [oa, ob] = [outcome(a), outcome(b)];
  if (oa === 'pass' && ob !== 'pass') return 'pass→fail';
  if (oa !== 'pass' && ob === 'pass') return 'fail→pass';
  return 'same';
}

/** Goal by goal: the outcome change and the token, cost and time deltas (b − a). */
export function compareRuns(a: RunResult, b: RunResult): Comparison {
  const ids = [...new Set([...a.goals.map((g) => g.id), ...b.goals.map((g) => g.id)])];
  const goals = ids.map((id): GoalDiff => {
    const ga = a.goals.find((g) => g.id === id);
    const gb = b.goals.find((g) => g.id === id);
    const d = (f: (g: GoalResult) => number) => (ga && gb ? f(gb) - f(ga) : 0);
    return {
      id,
      ...(ga ? { a: outcome(ga) } : {}),
      ...(gb ? { b: outcome(gb) } : {}),
      change: changeOf(ga, gb),
      promptTokens: d((g) => g.promptTokens),
      completionTokens: d((g) => g.completionTokens),
      costUsd: d((g) => g.costUsd),
      wallMs: d((g) => g.wallMs),
    };
  });
  const sum = (f: (g: GoalDiff) => number) => goals.reduce((s, g) => s + f(g), 0);
  return {
    goals,
    regressions: goals.filter((g) => g.change === 'pass→fail').length,
    fixes: goals.filter((g) => g.change === 'fail→pass').length,
    totals: {
      passedA: a.totals.passed,
      passedB: b.totals.passed,
      promptTokens: sum((g) => g.promptTokens),
      completionTokens: sum((g) => g.completionTokens),
      costUsd: sum((g) => g.costUsd),
      wallMs: sum((g) => g.wallMs),
    },
  };
}

/** The comparison as Markdown: regressions first, then fixes, then the rest in suite order. */
export function renderComparison(a: RunResult, b: RunResult, c: Comparison = compareRuns(a, b)): string {
  const order: Change[] = ['pass→fail', 'fail→pass', 'only in a', 'only in b', 'same'];
  const rows = [...c.goals]
    .sort((x, y) => order.indexOf(x.change) - order.indexOf(y.change))
    .map((g) => [
      cell(g.id),
      g.a ?? '–',
      g.b ?? '–',
      g.change === 'same' ? '' : `**${g.change}**`,
      delta(g.promptTokens, int),
      delta(g.completionTokens, int),
      delta(g.costUsd, usd),
      delta(g.wallMs, secs),
    ]);
  const t = c.totals;
  rows.push(['**total**', `${t.passedA} passed`, `${t.passedB} passed`, `${c.regressions} regressions, ${c.fixes} fixes`, delta(t.promptTokens, int), delta(t.completionTokens, int), delta(t.costUsd, usd), delta(t.wallMs, secs)]);
  return [
    `# Eval comparison: ${a.suite}`,
    '',
    `a: ${a.startedAt} (${a.models?.join(', ') ?? '?'}), b: ${b.startedAt} (${b.models?.join(', ') ?? '?'}); deltas are b − a.`,
    '',
    table(['goal', 'a', 'b', 'change', 'Δ prompt tokens', 'Δ completion tokens', 'Δ cost', 'Δ wall time'], rows, [4, 5, 6, 7]),
    '',
  ].join('\n');
}
