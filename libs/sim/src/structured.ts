import type { SimAnswer, SimMessage, SimRequest, SimToolDef } from './policy.ts';

/**
 * Names of the structured answers the runtime asks for: the planner's operations and the
 * Actor Factory's spec. A request may ask for one in any output mode; see {@link normaliseStructured}.
 */
export const STRUCTURED_NAMES = ['planner_output', 'actor_spec'] as const;

/**
 * How a request asked for a structured answer:
 * - `json_schema`: `response_format: { type: 'json_schema', json_schema: { name, schema } }`;
 * - `json_object`: `response_format: { type: 'json_object' }`, the schema in the system prompt;
 * - `tool`: a forced (or the only) function tool named after the structured answer;
 * - `prompt`: no response format and no tools, the schema only in the system prompt.
 */
export type StructuredMode = 'json_schema' | 'json_object' | 'tool' | 'prompt';

export interface StructuredAsk {
  name: string;
  mode: StructuredMode;
}

/** A request as policies see it, plus how the answer must go back. */
export interface NormalisedRequest {
  /** The canonical form policies match on: a `json_schema` response format for structured asks. */
  req: SimRequest;
  /** Undefined for a request that asks for no structured answer. */
  structured?: StructuredAsk;
}

const NAME_RE = new RegExp(`\\b(${STRUCTURED_NAMES.join('|')})\\b`, 'g');

/**
 * The known structured name mentioned last in the system/developer messages, if any: the
 * output instructions come after the role's own text, which may name other answers in passing.
 */
function nameInInstructions(messages: SimMessage[]): string | undefined {
  let name: string | undefined;
  for (const m of messages) {
    if (m.role !== 'system' && m.role !== 'developer') continue;
    for (const hit of m.content.matchAll(NAME_RE)) name = hit[1] ?? name;
  }
  return name;
}

/** The tool a request forces (by name, or `required` with a single tool), else its only tool unless `none`. */
function forcedOrOnlyTool(req: SimRequest): SimToolDef | undefined {
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  if (typeof choice === 'object' && choice !== null) {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    return tools.find((t) => t.function.name === name);
  }
  if (choice === 'none' || tools.length !== 1) return undefined;
  return tools[0];
}

const isStructuredName = (name: string): boolean => (STRUCTURED_NAMES as readonly string[]).includes(name);

/**
 * Detects a structured ask in any of the four output modes and presents it to policies in the
 * canonical `json_schema` form (the tools of a tool-mode ask left out), so policies written
 * for `json_schema` answer every mode. Other requests pass through unchanged.
 */
export function normaliseStructured(req: SimRequest): NormalisedRequest {
  const format = req.response_format;
  if (format?.type === 'json_schema' && format.json_schema) {
    return { req, structured: { name: format.json_schema.name, mode: 'json_schema' } };
  }
  const tool = forcedOrOnlyTool(req);
  if (tool && isStructuredName(tool.function.name)) {
    const { tools: _tools, tool_choice: _choice, ...rest } = req;
    const jsonSchema = { name: tool.function.name, ...(tool.function.parameters ? { schema: tool.function.parameters } : {}) };
    return { req: { ...rest, response_format: { type: 'json_schema', json_schema: jsonSchema } }, structured: { name: tool.function.name, mode: 'tool' } };
  }
  // A prompt-only ask has no tools: an actor's request carries tools and is never structured.
  const promptOnly = !format && (req.tools ?? []).length === 0;
  if (format?.type === 'json_object' || promptOnly) {
    const name = nameInInstructions(req.messages);
    if (name) {
      return { req: { ...req, response_format: { type: 'json_schema', json_schema: { name } } }, structured: { name, mode: format ? 'json_object' : 'prompt' } };
    }
  }
  return { req };
}

/**
 * Delivers a policy's answer the way the request asked: for a tool-mode ask, the JSON content
 * becomes a call of the structured tool (content null, so `finish_reason: 'tool_calls'`);
 * otherwise the answer is unchanged.
 */
export function deliverStructured(answer: SimAnswer, structured: StructuredAsk | undefined): SimAnswer {
  if (structured?.mode !== 'tool' || answer.toolCalls?.length || answer.content === undefined) return answer;
  return { toolCalls: [{ name: structured.name, arguments: answer.content }] };
}
