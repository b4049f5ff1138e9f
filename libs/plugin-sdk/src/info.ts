import { z } from 'zod';
import type { Bundle, ToolInfo } from '@aime/protocol';
import type { BundleDefinition, ToolDefinition } from './types.ts';

/**
 * JSON Schema of what the model must send: the tool's own `inputJsonSchema` when set, else
 * derived from `input` (`io: 'input'`: fields with defaults are optional).
 */
export function inputJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  if (tool.inputJsonSchema !== undefined) {
    const { $schema: _dialect, ...own } = tool.inputJsonSchema;
    return own;
  }
  const schema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  // The dialect marker is noise in a model's tool list, and some OpenAI-compatible servers reject it.
  delete schema.$schema;
  return schema;
}

/** What a worker advertises about a tool. */
export function toolInfo(tool: ToolDefinition): ToolInfo {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: inputJsonSchema(tool),
    sideEffects: tool.sideEffects,
    // A predicate may ask for some calls: advertised as asking, so the actor is told it may wait.
    requiresApproval: tool.requiresApproval !== undefined && tool.requiresApproval !== false,
  };
}

/** What a worker advertises about a bundle. @param workers live workers serving it, @default 0 */
export function bundleInfo(bundle: BundleDefinition, workers = 0): Bundle {
  return { name: bundle.name, description: bundle.description, tools: bundle.tools.map(toolInfo), workers };
}
