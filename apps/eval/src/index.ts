/**
 * The eval harness: runs a suite of goals against the runtime (in this process or a running
 * server), checks each outcome, and writes a results table; `compareRuns` diffs two runs.
 */
export { runEval, type EvalOptions, type EvalOutcome } from './run-eval.ts';
export { compareRuns, renderComparison, readResults, type Comparison, type GoalDiff, type Change } from './compare.ts';
export { renderMarkdown, totalsOf, outcome, type RunResult, type RunTotals } from './report.ts';
export { loadSuite, parseSuite, resolveSuitePath, SuiteLine, Check, JsonPathCheck, ApprovalPolicy, type Suite } from './suite.ts';
export { runChecks, type CheckContext, type CheckResult, type Checker, type Verdict, type WorldReader } from './checks.ts';
export type { GoalResult } from './run-goal.ts';
export { createProgress, type ProgressReporter } from './progress.ts';
export { UsageError, SkipCheck } from './errors.ts';
export { readJsonPath } from './json-path.ts';
