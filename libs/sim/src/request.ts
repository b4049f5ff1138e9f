import { SimRequestError } from './errors.ts';
import type { SimMessage, SimRequest, SimToolCallIn, SimToolDef } from './policy.ts';

/** A validated chat-completions request: what policies see plus how to deliver the answer. */
export interface ParsedRequest {
  req: SimRequest;
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens`, else `max_tokens`, when the request sets one. */
  maxTokens?: number;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(message: string, param: string): never {
  throw new SimRequestError(message, param);
}

/**
 * Validates an OpenAI chat-completions body and normalises it for policies (array content
 * parts joined into one string). Unknown fields (temperature, n...) are ignored, as they do
 * not change what the simulated model answers; the token limit is kept for the `length` quirk.
 * @throws SimRequestError with the offending field as `param`.
 */
export function parseChatRequest(body: unknown): ParsedRequest {
  if (!isObj(body)) fail('The request body must be a JSON object.', 'body');
  if (typeof body.model !== 'string' || body.model.length === 0) fail("'model' is required and must be a non-empty string.", 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) fail("'messages' must be a non-empty array.", 'messages');

  const messages = body.messages.map((m, i) => parseMessage(m, `messages[${i}]`));
  const tools = body.tools === undefined || body.tools === null ? undefined : parseTools(body.tools);
  const toolChoice = parseToolChoice(body.tool_choice, tools);
  const responseFormat = parseResponseFormat(body.response_format);

  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') fail("'stream' must be a boolean.", 'stream');
  const stream = body.stream === true;
  let includeUsage = false;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!stream) fail("'stream_options' is only allowed when 'stream' is true.", 'stream_options');
    if (!isObj(body.stream_options)) fail("'stream_options' must be an object.", 'stream_options');
    const inc = body.stream_options.include_usage;
    if (inc !== undefined && typeof inc !== 'boolean') fail("'stream_options.include_usage' must be a boolean.", 'stream_options.include_usage');
    includeUsage = inc === true;
  }

  const maxTokens = parseMaxTokens(body, 'max_completion_tokens') ?? parseMaxTokens(body, 'max_tokens');

  const req: SimRequest = { model: body.model, messages };
  if (tools) req.tools = tools;
  if (toolChoice !== undefined) req.tool_choice = toolChoice;
  if (responseFormat) req.response_format = responseFormat;
  return { req, stream, includeUsage, ...(maxTokens !== undefined ? { maxTokens } : {}) };
}

/** A token limit field: absent, null, or a positive integer (OpenAI rejects anything else). */
function parseMaxTokens(body: Obj, field: 'max_tokens' | 'max_completion_tokens'): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(`'${field}' must be a positive integer.`, field);
  return v;
}

function parseContent(content: unknown, param: string, required: boolean): string {
  if (content === undefined || content === null) {
    if (required) fail(`'${param}' is required.`, param);
    return '';
  }
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) fail(`'${param}' must be a string or an array of content parts.`, param);
  const texts: string[] = [];
  content.forEach((part, i) => {
    if (!isObj(part) || typeof part.type !== 'string') fail(`'${param}[${i}]' must be a content part with a 'type'.`, `${param}[${i}]`);
    if (part.type === 'text') {
      if (typeof part.text !== 'string') fail(`'${param}[${i}].text' must be a string.`, `${param}[${i}].text`);
      texts.push(part.text);
    }
    // Images, audio and files carry nothing a text policy can read: ignored, like a text-only model.
  });
  return texts.join('\n');
}

function parseMessage(m: unknown, param: string): SimMessage {
  if (!isObj(m)) fail(`'${param}' must be an object.`, param);
  if (typeof m.role !== 'string' || !ROLES.has(m.role)) {
    fail(`'${param}.role' must be one of system, developer, user, assistant, tool; got ${JSON.stringify(m.role)}.`, `${param}.role`);
  }
  const role = m.role as SimMessage['role'];
  const toolCalls = role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null ? parseToolCallsIn(m.tool_calls, `${param}.tool_calls`) : undefined;
  const content = parseContent(m.content, `${param}.content`, role !== 'assistant');
  const msg: SimMessage = { role, content };
  if (typeof m.name === 'string') msg.name = m.name;
  if (toolCalls && toolCalls.length > 0) msg.tool_calls = toolCalls;
  if (role === 'tool') {
    if (typeof m.tool_call_id !== 'string' || m.tool_call_id.length === 0) fail(`'${param}.tool_call_id' is required for tool messages.`, `${param}.tool_call_id`);
    msg.tool_call_id = m.tool_call_id;
  }
  return msg;
}

function parseToolCallsIn(v: unknown, param: string): SimToolCallIn[] {
  if (!Array.isArray(v)) fail(`'${param}' must be an array.`, param);
  return v.map((tc, i) => {
    const p = `${param}[${i}]`;
    if (!isObj(tc) || typeof tc.id !== 'string') fail(`'${p}.id' must be a string.`, `${p}.id`);
    if (tc.type !== 'function') fail(`'${p}.type' must be 'function'.`, `${p}.type`);
    const fn = tc.function;
    if (!isObj(fn) || typeof fn.name !== 'string') fail(`'${p}.function.name' must be a string.`, `${p}.function.name`);
    if (typeof fn.arguments !== 'string') fail(`'${p}.function.arguments' must be a string.`, `${p}.function.arguments`);
    return { id: tc.id, type: 'function', function: { name: fn.name, arguments: fn.arguments } };
  });
}

function parseTools(v: unknown): SimToolDef[] {
  if (!Array.isArray(v)) fail("'tools' must be an array.", 'tools');
  return v.map((t, i) => {
    const p = `tools[${i}]`;
    if (!isObj(t) || t.type !== 'function') fail(`'${p}.type' must be 'function'.`, `${p}.type`);
    const fn = t.function;
    if (!isObj(fn) || typeof fn.name !== 'string' || !TOOL_NAME.test(fn.name)) {
      fail(`'${p}.function.name' must match ${String(TOOL_NAME)}.`, `${p}.function.name`);
    }
    if (fn.parameters !== undefined && !isObj(fn.parameters)) fail(`'${p}.function.parameters' must be an object.`, `${p}.function.parameters`);
    const def: SimToolDef = { type: 'function', function: { name: fn.name } };
    if (typeof fn.description === 'string') def.function.description = fn.description;
    if (isObj(fn.parameters)) def.function.parameters = fn.parameters;
    return def;
  });
}

function parseToolChoice(v: unknown, tools: SimToolDef[] | undefined): unknown {
  if (v === undefined || v === null) return undefined;
  if (v === 'none' || v === 'auto') return v;
  if (v === 'required') {
    if (!tools || tools.length === 0) fail("'tool_choice' 'required' needs 'tools'.", 'tool_choice');
    return v;
  }
  if (isObj(v) && v.type === 'function' && isObj(v.function) && typeof v.function.name === 'string') {
    const name = v.function.name;
    if (!tools?.some((t) => t.function.name === name)) fail(`'tool_choice' names the function '${name}', which is not in 'tools'.`, 'tool_choice');
    return { type: 'function', function: { name } };
  }
  return fail("'tool_choice' must be 'none', 'auto', 'required' or { type: 'function', function: { name } }.", 'tool_choice');
}

function parseResponseFormat(v: unknown): SimRequest['response_format'] {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail("'response_format' must be an object.", 'response_format');
  if (v.type === 'text' || v.type === 'json_object') return { type: v.type };
  if (v.type !== 'json_schema') fail("'response_format.type' must be 'text', 'json_object' or 'json_schema'.", 'response_format.type');
  const js = v.json_schema;
  if (!isObj(js) || typeof js.name !== 'string' || js.name.length === 0) {
    fail("'response_format.json_schema.name' is required.", 'response_format.json_schema.name');
  }
  if (js.schema !== undefined && !isObj(js.schema)) fail("'response_format.json_schema.schema' must be an object.", 'response_format.json_schema.schema');
  const jsonSchema: { name: string; schema?: Record<string, unknown>; strict?: boolean } = { name: js.name };
  if (isObj(js.schema)) jsonSchema.schema = js.schema;
  if (typeof js.strict === 'boolean') jsonSchema.strict = js.strict;
  return { type: 'json_schema', json_schema: jsonSchema };
}
