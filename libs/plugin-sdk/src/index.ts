export type {
  ToolLogger,
  WorldEventInfo,
  ToolContext,
  ToolSideEffects,
  ToolDefinition,
  BundleDefinition,
  PluginSetupContext,
  PluginDefinition,
  PluginFactory,
  PluginInstance,
  PluginModule,
  PluginKeys,
  MissionEndInfo,
  ApprovalPredicate,
  ToolCallInfo,
  ToolFailureCode,
  ToolResult,
  ToolIsolation,
  WorkerToolModule,
  WorkerToolInfo,
  WorkerToolDefinition,
} from './types.ts';
export { PluginError, ToolError } from './errors.ts';
export { defineTool, defineBundle, definePlugin, isPluginFactory } from './define.ts';
export { pluginKeys } from './plugin-keys.ts';
export { checkToolCall } from './tool-call.ts';
export type { ToolCallCheck } from './tool-call.ts';
export { startMissionEndHooks, MISSION_END_CLAIM_MS } from './mission-end.ts';
export type { MissionEndHooks, MissionEndHooksOptions } from './mission-end.ts';
export { toolInfo, bundleInfo, inputJsonSchema } from './info.ts';
export { runTool, parseToolInput, DEFAULT_TOOL_TIMEOUT_MS, DEFAULT_MAX_OUTPUT_CHARS } from './run-tool.ts';
export type { RunToolOptions } from './run-tool.ts';
export { formatIssues, formatPath } from './format-issues.ts';
export { withEffects } from './effects.ts';
export type { ToolEffectDeclaration, ToolEstimate, ToolEstimator } from './effects.ts';
export { createMemoryToolContext } from './testing.ts';
export type { MemoryToolContext } from './testing.ts';
export { ToolWorkerPool, toolWorkerPool, closeToolWorkers, DEFAULT_WORKER_HEAP_MB, DEFAULT_WORKER_MAX_RESULT_CHARS } from './worker-pool.ts';
export type { ToolWorkerPoolOptions, WorkerCall, WorkerTarget } from './worker-pool.ts';
export { workerTarget } from './worker-tool.ts';
