/**
 * `@aime/core/views`: the derived views of a mission that the API and the dashboard share
 * (progress counts, shown task states, elapsed time, plan history, side-effect ledger). Pure
 * and browser-safe: the dashboard imports this entry only.
 */
export { describeCounts, leafTasks, taskCounts } from './progress.ts';
export type { TaskCounts } from './progress.ts';
export { taskState, withTaskStates } from './task-state.ts';
export type { TaskStateContext } from './task-state.ts';
export { missionElapsedMs } from './elapsed.ts';
export type { StatusChange } from './elapsed.ts';
export { summarizeMission } from './summary.ts';
export type { SummarySource } from './summary.ts';
export { missionView, withLatestProgress } from './mission-view.ts';
export type { MissionSource } from './mission-view.ts';
export { declaredEffects, effectAmount, sideEffectLedger } from './ledger.ts';
export { answerWithDisruptions, replacements, withReplacements } from './replacements.ts';
export type { Replacement } from './replacements.ts';
export { answersToEvents, planHistory } from './plan-history.ts';
export type { PlanCause, PlanChange } from './plan-history.ts';
