import { z } from 'zod';
import type { Bundle, ToolInfo } from '@aime/protocol';
import type { BundleDefinition, ToolDefinition } from './types.ts';

// One conversion per zod schema: tools are defined per actor run (the built-in ones) and their
// schemas listed on every model call, while the schemas themselves are module-level constants.
const converted = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * `z.toJSONSchema` of a tool input (`io: 'input'`: fields with defaults are optional), without the
 * dialect marker, converted once per schema object. Returns a fresh top-level copy each time;
 * nested objects are shared, so callers must not modify them. Throws what `z.toJSONSchema` throws.
 */
export function zodInputJsonSchema(input: z.ZodType): Record<string, unknown> {
  let schema = converted.get(input);
  if (schema === undefined) {
    schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    // The dialect marker is noise in a model's tool list, and some OpenAI-compatible servers reject it.
    delete schema.$schema;
    converted.set(input, schema);
  }
  return { ...schema };
}

/**
 * JSON Schema of what the model must send: the tool's own `inputJsonSchema` when set, else
 * derived from `input` (`io: 'input'`: fields with defaults are optional; converted once per schema).
 */
export function inputJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  if (tool.inputJsonSchema !== undefined) {
    const { $schema: _dialect, ...own } = tool.inputJsonSchema;
    return own;
  }
  return zodInputJsonSchema(tool.input);
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
