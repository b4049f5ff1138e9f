export { startCommander, defaultDashboardDir, type CommanderOptions, type CommanderHandle, type ServiceState } from './service.ts';
export { runPlannerStep, MissionFailure, MAX_BAD_STEPS, REPAIR_ROUNDS, type PlannerDeps, type PlannerModelCall, type PlannerReply, type StepOutcome, type ChatTurn } from './planner/step.ts';
export { readPlannerAnswer, type ReadAnswer } from '@aime/core';
export { plannerSystemPrompt, plannerUserPrompt, redactContext, PLANNER_RESPONSE_NAME } from './planner/prompt.ts';
export { startPlannerWorker, jobKey } from './planner/worker.ts';
export { createReconciler, startReconciler, type Reconciler, type ReconcilerDeps, type ReconcilerHandle, type ReconcilerOptions, type Repair, type RepairKind } from './planner/reconciler.ts';
export { parseApiKeys, createAuth, type AuthConfig } from './api/index.ts';
export { securityOptionsFromEnv, dashboardUrlWithToken, type SecurityEnvOptions } from './security-env.ts';
export type { GatewayHandle, GatewayServer } from './gateway/index.ts';
