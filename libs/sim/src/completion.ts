import { createHash } from 'node:crypto';
import type { SimAnswer, SimRequest } from './policy.ts';

/** A fixed timestamp: answers must not depend on the clock (same request, same answer). */
export const SIM_CREATED = 1_735_689_600;

/** An answer as it goes on the wire: arguments already serialised, ids assigned. */
export interface WireAnswer {
  content: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  /** `length` when the answer was cut at the token limit. */
  finishReason: 'stop' | 'tool_calls' | 'length';
  /** The separate reasoning text some providers send (`message.reasoning_content`). */
  reasoningContent?: string;
}

/** OpenAI's usage object; the optional details are sent only by providers that report them. */
export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  /** Cost in USD, as OpenRouter reports it. */
  cost?: number;
}

/** Rough token count (~4 characters a token), deterministic. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A stable completion id derived from the request, so replays are byte-identical. */
export function completionId(body: unknown): string {
  return `chatcmpl-sim-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 24)}`;
}

/** How many tool calls the conversation already holds. */
export function toolCallsSoFar(req: SimRequest): number {
  return req.messages.reduce((n, m) => n + (m.tool_calls?.length ?? 0), 0);
}

/**
 * Serialises a policy's answer. Tool-call ids continue the numbering of the calls already in
 * the conversation (`call_1`, `call_2`, ...), so they are unique within it yet deterministic.
 */
export function toWireAnswer(req: SimRequest, answer: SimAnswer): WireAnswer {
  const previous = toolCallsSoFar(req);
  const calls = req.tool_choice === 'none' ? [] : (answer.toolCalls ?? []);
  const toolCalls = calls.map((c, i) => ({
    id: `call_${previous + i + 1}`,
    name: c.name,
    arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
  }));
  const content = answer.content ?? (toolCalls.length > 0 ? null : '');
  return { content, toolCalls, finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop' };
}

/** Usage estimated from what the request and answer carry. */
export function usageOf(req: SimRequest, wire: WireAnswer): WireUsage {
  let prompt = 0;
  for (const m of req.messages) {
    prompt += 4 + estimateTokens(m.content);
    for (const tc of m.tool_calls ?? []) prompt += estimateTokens(tc.function.name + tc.function.arguments);
  }
  if (req.tools) prompt += estimateTokens(JSON.stringify(req.tools));
  if (req.response_format?.json_schema) prompt += estimateTokens(JSON.stringify(req.response_format.json_schema));
  let completion = estimateTokens(wire.content ?? '');
  for (const tc of wire.toolCalls) completion += 3 + estimateTokens(tc.name + tc.arguments);
  completion = Math.max(1, completion);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The non-streaming `chat.completion` body. */
export function completionBody(id: string, model: string, wire: WireAnswer, usage: WireUsage): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: wire.content, refusal: null };
  if (wire.reasoningContent !== undefined) message.reasoning_content = wire.reasoningContent;
  if (wire.toolCalls.length > 0) {
    message.tool_calls = wire.toolCalls.map((tc) => ({ id: tc.id, type: 'function', function: { name: tc.name, arguments: tc.arguments } }));
  }
  return {
    id,
    object: 'chat.completion',
    created: SIM_CREATED,
    model,
    system_fingerprint: 'fp_aime_sim',
    choices: [{ index: 0, message, logprobs: null, finish_reason: wire.finishReason }],
    usage,
  };
}

/** Splits text into deterministic pieces for streaming. */
function pieces(text: string, size = 16): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * The `chat.completion.chunk` objects of a streamed answer, in OpenAI's order: role, reasoning
 * deltas (when the answer has reasoning), content deltas, tool-call deltas (id and name first,
 * then argument fragments), finish, and with `include_usage` a last chunk with empty choices
 * carrying the usage.
 */
export function streamChunks(id: string, model: string, wire: WireAnswer, usage: WireUsage | undefined): Array<Record<string, unknown>> {
  const base = { id, object: 'chat.completion.chunk', created: SIM_CREATED, model, system_fingerprint: 'fp_aime_sim' };
  const withUsage = usage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...withUsage,
  });
  const out: Array<Record<string, unknown>> = [chunk({ role: 'assistant', content: '', refusal: null })];
  // Reasoning streams first, as DeepSeek and vLLM's reasoning parser send it.
  for (const p of pieces(wire.reasoningContent ?? '')) out.push(chunk({ reasoning_content: p }));
  for (const p of pieces(wire.content ?? '')) out.push(chunk({ content: p }));
  wire.toolCalls.forEach((tc, index) => {
    out.push(chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.name, arguments: '' } }] }));
    for (const p of pieces(tc.arguments)) out.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
  });
  out.push(chunk({}, wire.finishReason));
  if (usage) out.push({ ...base, choices: [], usage });
  return out;
}
