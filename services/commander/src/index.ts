export { startCommander, defaultDashboardDir, type CommanderOptions, type CommanderHandle, type ServiceState } from './service.ts';
export { runPlannerStep, parsePlannerAnswer, MissionFailure, type PlannerDeps, type PlannerModelCall, type StepOutcome, type ChatTurn } from './planner/step.ts';
export { plannerSystemPrompt, plannerUserPrompt, redactContext, PLANNER_RESPONSE_NAME } from './planner/prompt.ts';
export { startPlannerWorker, jobKey } from './planner/worker.ts';
export { parseApiKeys, type AuthConfig } from './api/index.ts';
export type { GatewayHandle, GatewayServer } from './gateway/index.ts';
