import { estimateTokens, type WireAnswer, type WireUsage } from './completion.ts';
import { openAIError, type OpenAIErrorBody } from './errors.ts';
import type { SimRequest } from './policy.ts';
import { quirkParam, type QuirkKind, type QuirkSet } from './quirks.ts';

/**
 * How active quirks change an answer: a 400 for what the provider does not support, the
 * shape of the delivered text, a cut at the token limit, and the usage details reported.
 */

/** A quirk's 400 answer, as llama.cpp, older vLLM or LM Studio give it. */
export interface QuirkRejection {
  kind: QuirkKind;
  body: OpenAIErrorBody;
}

function reject(kind: QuirkKind, message: string, param: string): QuirkRejection {
  return { kind, body: openAIError(message, 'invalid_request_error', param, 'unsupported_value') };
}

/** The 400 a quirk gives this request (checked on the request as sent), or undefined. */
export function quirkRejection(quirks: QuirkSet, req: SimRequest, stream: boolean): QuirkRejection | undefined {
  const format = req.response_format?.type;
  if (quirks.has('no_tools') && (req.tools ?? []).length > 0) return reject('no_tools', 'tools are not supported by this model', 'tools');
  if (quirks.has('no_json_schema') && format === 'json_schema') {
    return reject('no_json_schema', "response_format type 'json_schema' is not supported by this model", 'response_format');
  }
  if (quirks.has('no_json_object') && format === 'json_object') {
    return reject('no_json_object', "response_format type 'json_object' is not supported by this model", 'response_format');
  }
  if (quirks.has('stream_only') && !stream) return reject('stream_only', 'this model only supports streaming (stream=true)', 'stream');
  return undefined;
}

/** What the answer shaping needs to know about the request. */
export interface ShapeContext {
  /** The content is the JSON answer to a structured (or JSON-mode) request. */
  jsonAnswer: boolean;
  /** The request's `max_completion_tokens` or `max_tokens`, when it set one. */
  maxTokens?: number | undefined;
}

const PROSE_BEFORE = 'Sure! Here is the plan:\n\n';
const PROSE_AFTER = '\n\nLet me know if you want changes.';

function reasoningText(ctx: ShapeContext): string {
  return ctx.jsonAnswer
    ? 'The instructions ask for a JSON answer. I read the goal and the latest state, decide what to do next, and answer with JSON that fits the schema.'
    : 'The user asks something I can answer directly. I keep the answer short and to the point.';
}

/** Adds a comma before the JSON text's last closing bracket, unless that bracket closes an empty value. */
function withTrailingComma(json: string): string | undefined {
  const end = json.trimEnd();
  const last = end.at(-1);
  if (last !== '}' && last !== ']') return undefined;
  const before = end.slice(0, -1).trimEnd();
  const prev = before.at(-1);
  if (prev === undefined || prev === '{' || prev === '[') return undefined;
  return `${before},${last}${json.slice(end.length)}`;
}

/** Tokens of an answer, counted the way `usageOf` counts them. */
function answerTokens(wire: WireAnswer): number {
  let n = estimateTokens(wire.content ?? '');
  for (const tc of wire.toolCalls) n += 3 + estimateTokens(tc.name + tc.arguments);
  return Math.max(1, n);
}

/** Cuts the answer to `limit` tokens: the text first, then the arguments of the call it reaches. */
function cut(wire: WireAnswer, limit: number): WireAnswer {
  let budget = limit;
  let content = wire.content;
  if (content !== null) {
    const tokens = estimateTokens(content);
    if (tokens > budget) content = content.slice(0, budget * 4);
    budget = Math.max(0, budget - tokens);
  }
  const toolCalls: WireAnswer['toolCalls'] = [];
  for (const tc of wire.toolCalls) {
    if (budget <= 0) break;
    const cost = 3 + estimateTokens(tc.name + tc.arguments);
    if (cost <= budget) {
      toolCalls.push(tc);
      budget -= cost;
      continue;
    }
    // Generation stopped inside this call's arguments: what was sent is all there is.
    toolCalls.push({ ...tc, arguments: tc.arguments.slice(0, Math.max(0, (budget - 3) * 4 - tc.name.length)) });
    break;
  }
  return { ...wire, content, toolCalls, finishReason: 'length' };
}

/**
 * Shapes a policy's (serialised) answer by the active quirks, in the order a provider's
 * output takes shape: the JSON text itself (`trailing_comma`), its wrapping (`fenced`,
 * `prose`), a reasoning block before it (`think`) or beside it (`reasoning_field`), and last
 * the cut at the token limit (`length`), which therefore also cuts into the wrapping.
 * @returns the shaped answer and the quirks that changed it.
 */
export function shapeAnswer(quirks: QuirkSet, wire: WireAnswer, ctx: ShapeContext): { wire: WireAnswer; applied: QuirkKind[] } {
  const applied: QuirkKind[] = [];
  let content = wire.content;
  const json = ctx.jsonAnswer && content !== null && /^\s*[[{]/.test(content);
  if (json && content !== null) {
    if (quirks.has('trailing_comma')) {
      const changed = withTrailingComma(content);
      if (changed !== undefined) {
        content = changed;
        applied.push('trailing_comma');
      }
    }
    if (quirks.has('fenced')) {
      content = `\`\`\`json\n${content}\n\`\`\``;
      applied.push('fenced');
    }
    if (quirks.has('prose')) {
      content = `${PROSE_BEFORE}${content}${PROSE_AFTER}`;
      applied.push('prose');
    }
  }
  if (quirks.has('think') && content !== null) {
    content = `<think>\n${reasoningText(ctx)}\n</think>\n\n${content}`;
    applied.push('think');
  }
  let out: WireAnswer = { ...wire, content };
  if (quirks.has('reasoning_field')) {
    out.reasoningContent = reasoningText(ctx);
    applied.push('reasoning_field');
  }
  if (quirks.has('length')) {
    const limit = ctx.maxTokens ?? quirkParam(quirks, 'length', 'limit');
    if (answerTokens(out) > limit) {
      out = cut(out, limit);
      applied.push('length');
    }
  }
  return { wire: out, applied };
}

/**
 * Adds the usage details providers report: cached prompt tokens (a subset of the prompt, as
 * OpenAI counts them), reasoning tokens (added to the completion, as OpenAI's o-series counts
 * them) and a cost in USD (OpenRouter), computed last so it covers the reasoning tokens.
 */
export function shapeUsage(quirks: QuirkSet, usage: WireUsage): { usage: WireUsage; applied: QuirkKind[] } {
  const applied: QuirkKind[] = [];
  const out: WireUsage = { ...usage };
  if (quirks.has('reasoning_usage')) {
    const tokens = quirkParam(quirks, 'reasoning_usage', 'tokens');
    out.completion_tokens += tokens;
    out.total_tokens += tokens;
    out.completion_tokens_details = { reasoning_tokens: tokens };
    applied.push('reasoning_usage');
  }
  if (quirks.has('cached_usage')) {
    out.prompt_tokens_details = { cached_tokens: Math.floor(out.prompt_tokens * quirkParam(quirks, 'cached_usage', 'share')) };
    applied.push('cached_usage');
  }
  if (quirks.has('provider_cost')) {
    out.cost = (out.total_tokens * quirkParam(quirks, 'provider_cost', 'per1m')) / 1e6;
    applied.push('provider_cost');
  }
  return { usage: out, applied };
}
