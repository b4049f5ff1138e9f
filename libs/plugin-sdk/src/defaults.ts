/** Default per-call time limit when a tool sets no `timeoutMs`. */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
