export { loadMcpPlugin, DEFAULT_MCP_START_TIMEOUT_MS } from './load.ts';
export type { LoadMcpPluginOptions } from './load.ts';
export { McpServerConfig, McpStdioServerConfig, McpHttpServerConfig, describeServer } from './config.ts';
export { toolOutput, resultText } from './content.ts';
export { safeToolName, sideEffectsOf, requiresApprovalOf, inputValidator } from './tools.ts';
export type { McpToolInfo } from './tools.ts';
