/**
 * @aime/core: the pure mission core. No I/O, no Node-only APIs: it runs in browsers too.
 * Task-graph reducer and transitions, graph queries and invariants, the Markdown progress
 * list, budget arithmetic and stall detection.
 */
export { GraphError } from './errors.ts';
export type { GraphErrorCode, GraphErrorLocation } from './errors.ts';
export { canTransition, isTerminalTaskStatus, satisfiesDependency, TERMINAL_TASK_STATUSES } from './transitions.ts';
export { applyOperations } from './reducer.ts';
export type { ApplyOptions, ApplyResult } from './reducer.ts';
export { deriveParentStatus, normaliseTasks } from './normalise.ts';
export { isGraphSettled, progressCounts, readyTasks, runningTasks, selectDispatchable } from './queries.ts';
export { validateGraph } from './validate.ts';
export { renderProgressMarkdown } from './markdown.ts';
export type { ProgressMarkdownOptions } from './markdown.ts';
export { addUsage, checkBudget, checkBudgetCeilings, resolveBudget, DEFAULT_BUDGET_CEILINGS } from './budget.ts';
export type { BudgetCeilings, BudgetCeilingIssue } from './budget.ts';
export type { BudgetCheck } from './budget.ts';
export { detectStall, statusFingerprint } from './stall.ts';
export type { StallOptions, StallSample } from './stall.ts';
export { actorIdOf, applyEach, chooseDispatches, decideStep, diffGraphs, statusEvents } from './decide-step.ts';
export type { StepDecision, StepDecisionInput } from './decide-step.ts';
export { normaliseOperation, readPlannerAnswer, repairMessage } from './planner-answer.ts';
export type { ReadAnswer } from './planner-answer.ts';
export { expandedTasks, plannerTaskView, HIDDEN_BUCKET_PREFIX } from './planner-view.ts';
export type { HiddenGroup, PlannerView, PlannerViewOptions } from './planner-view.ts';
