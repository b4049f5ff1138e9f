/**
 * The simulated model decides only from what a request carries, like a real model:
 * messages, tools and response format. A policy answers one kind of request.
 */

export interface SimToolCallIn {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface SimMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  /** Text content (array content parts are joined into one string by the server). */
  content: string;
  name?: string;
  tool_calls?: SimToolCallIn[];
  tool_call_id?: string;
}

export interface SimToolDef {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** The parts of an OpenAI chat-completions request a policy may read. */
export interface SimRequest {
  model: string;
  messages: SimMessage[];
  tools?: SimToolDef[];
  tool_choice?: unknown;
  response_format?: {
    type: 'text' | 'json_object' | 'json_schema';
    json_schema?: { name: string; schema?: Record<string, unknown>; strict?: boolean };
  };
}

export interface SimAnswer {
  /** Assistant text; for a json_schema response format, the JSON text. */
  content?: string;
  toolCalls?: Array<{ name: string; arguments: unknown }>;
}

export interface SimPolicy {
  name: string;
  matches(req: SimRequest): boolean;
  answer(req: SimRequest): SimAnswer;
}
