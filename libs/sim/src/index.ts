export { startSimServer, SIM_MODEL_IDS } from './server.ts';
export type { SimServerOptions, SimServerHandle, SimServerStats } from './server.ts';
export { FAULT_KINDS, parseFaultSpec, findFaultMarker } from './faults.ts';
export type { FaultKind, FaultSpecText, FaultOptions, Fault, FaultSource } from './faults.ts';
export { SimError, SimRequestError, SimOptionsError } from './errors.ts';
export { fallbackPolicy, FALLBACK_TEXT, minimalInstance } from './fallback-policy.ts';
export { estimateTokens } from './completion.ts';
export { defaultPolicies } from './policies/index.ts';
export type { SimPolicy, SimRequest, SimAnswer, SimMessage, SimToolDef, SimToolCallIn } from './policy.ts';
