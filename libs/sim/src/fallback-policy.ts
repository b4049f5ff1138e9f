import type { SimAnswer, SimPolicy, SimRequest } from './policy.ts';

/** The text the fallback answers with, so nobody mistakes it for a real model. */
export const FALLBACK_TEXT = 'I am a simulated model (aime sim): no policy matched this request, so this is a placeholder answer.';

/**
 * Answers whatever no other policy matched: plain text saying it is a simulated model.
 * When a tool call is forced it calls that tool (or the first, for 'required') with `{}`;
 * for a json_schema response format it answers the smallest JSON the schema allows, so a
 * structured-output parser still gets valid JSON.
 */
export const fallbackPolicy: SimPolicy = {
  name: 'fallback',
  matches: () => true,
  answer(req: SimRequest): SimAnswer {
    const forced = forcedTool(req);
    if (forced) return { toolCalls: [{ name: forced, arguments: {} }] };
    const format = req.response_format;
    if (format?.type === 'json_schema') return { content: JSON.stringify(minimalInstance(format.json_schema?.schema ?? {})) };
    if (format?.type === 'json_object') return { content: JSON.stringify({ message: FALLBACK_TEXT }) };
    return { content: FALLBACK_TEXT };
  },
};

function forcedTool(req: SimRequest): string | undefined {
  const choice = req.tool_choice;
  if (choice === 'required') return req.tools?.[0]?.function.name;
  if (typeof choice === 'object' && choice !== null && 'function' in choice) {
    const fn = (choice as { function?: { name?: unknown } }).function;
    if (typeof fn?.name === 'string') return fn.name;
  }
  return undefined;
}

type Schema = Record<string, unknown>;

/** The smallest value valid against a (simple) JSON schema: required fields only, empty/zero values. */
export function minimalInstance(schema: Schema, defs: Schema = (schema.$defs ?? schema.definitions ?? {}) as Schema, depth = 0): unknown {
  if (depth > 16) return null;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop() ?? '';
    const target = defs[name];
    return typeof target === 'object' && target !== null ? minimalInstance(target as Schema, defs, depth + 1) : {};
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(variants) && variants[0]) return minimalInstance(variants[0], defs, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type[0] as unknown) : schema.type;
  switch (type) {
    case 'string':
      return 'x'.repeat(typeof schema.minLength === 'number' ? schema.minLength : 0);
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const n = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = (schema.items ?? {}) as Schema;
      return Array.from({ length: n }, () => minimalInstance(items, defs, depth + 1));
    }
    default: {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      const out: Record<string, unknown> = {};
      for (const key of required) out[key] = minimalInstance(props[key] ?? {}, defs, depth + 1);
      return out;
    }
  }
}
