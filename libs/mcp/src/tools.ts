import { z } from 'zod';
import { defineTool, type ToolDefinition, type ToolSideEffects } from '@aime/plugin-sdk';

/** The parts of an MCP `Tool` (from `tools/list`) this adapter reads. */
export interface McpToolInfo {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean | undefined; destructiveHint?: boolean | undefined; idempotentHint?: boolean | undefined } | undefined;
}

/** Calls the server's tool; `name` is the server's own name for it. */
export type McpCall = (name: string, args: Record<string, unknown>, opts: { signal: AbortSignal; timeoutMs: number }) => Promise<unknown>;

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * A name function calling accepts (`[a-zA-Z0-9_-]`, at most 64), unique among `taken`.
 * MCP allows dots and slashes in tool names; OpenAI-style tool calls do not.
 */
export function safeToolName(name: string, taken: ReadonlySet<string>): string {
  let base = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  if (base === '') base = 'tool';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const candidate = `${base.slice(0, 64 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Side effects from the server's hints. Hints are the server's word, not a guarantee; we
 * only trust them to relax the default ('external': a retried step may repeat the call).
 */
export function sideEffectsOf(tool: McpToolInfo): ToolSideEffects {
  if (tool.annotations?.readOnlyHint === true) return 'none';
  if (tool.annotations?.idempotentHint === true) return 'idempotent';
  return 'external';
}

/**
 * An MCP tool needs an operator's approval unless the server annotates it `readOnlyHint: true`
 * or the operator allow-listed it (`autoApprove` of the server's config entry). A third-party
 * server's tool may do anything, and the MCP spec itself defaults `destructiveHint` to true
 * for every tool that is not read-only: the safe default is to ask.
 */
export function requiresApprovalOf(tool: McpToolInfo, autoApprove: readonly string[] = []): boolean {
  return tool.annotations?.readOnlyHint !== true && !autoApprove.includes(tool.name);
}

/** A JSON Schema the model can be given: an object schema (MCP requires one; be lenient with servers that omit `type`). */
function objectSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return { ...schema, type: 'object' };
}

/**
 * A zod validator for the server's JSON Schema. `z.fromJSONSchema` covers most schemas; for
 * the rest, accept any object and let the server validate (it must anyway).
 */
export function inputValidator(schema: Record<string, unknown>): z.ZodType {
  try {
    const converted = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    const json = z.toJSONSchema(converted, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    if (json.type === 'object') return converted;
  } catch {
    // fall through to the permissive validator
  }
  return z.looseObject({});
}

/** One MCP tool as a ToolDefinition whose `run` calls the server. */
export function mcpTool(tool: McpToolInfo, name: string, serverName: string, call: McpCall, timeoutMs: number | undefined, autoApprove: readonly string[] = []): ToolDefinition {
  if (!TOOL_NAME.test(name)) throw new Error(`not a valid tool name: ${name}`);
  const schema = objectSchema(tool.inputSchema);
  const description = (tool.description ?? tool.title ?? '').trim() || `The ${tool.name} tool of the MCP server ${serverName}.`;
  return defineTool({
    name,
    description,
    input: inputValidator(schema),
    inputJsonSchema: schema,
    sideEffects: sideEffectsOf(tool),
    requiresApproval: requiresApprovalOf(tool, autoApprove),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    run: (input, ctx) => call(tool.name, input as Record<string, unknown>, { signal: ctx.signal, timeoutMs: timeoutMs ?? 30_000 }),
  });
}
