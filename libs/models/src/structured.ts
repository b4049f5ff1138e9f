import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { Callbacks } from '@langchain/core/callbacks/manager';
import { AdaptiveChatModel, type AdaptiveAnswer, type AdaptiveChatModelOptions } from './adaptive.ts';
import { resolveEndpoint } from './chat-model.ts';
import { extractJson, type Extracted } from './extract-json.ts';
import { nextMode, unsupportedFeature, type OutputMode } from './output-mode.ts';

/** One turn of a conversation with a model, as the services build it. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What a structured call asks for. */
export interface StructuredRequest {
  /** The schema's name (`planner_output`): response-format name, or the forced tool's name. */
  name: string;
  /** Shown to the model with the tool in `tool` mode. */
  description?: string;
  /** The JSON schema of the answer. */
  jsonSchema: Record<string, unknown>;
  turns: ChatTurn[];
  /** Usage recorders and other LangChain callbacks, for every call made (fallbacks and retries too). */
  callbacks?: Callbacks;
  signal?: AbortSignal;
}

/** What came back: the raw text (always), the JSON read from it (or why not), and how it was asked. */
export interface StructuredResult {
  /** The model's text as it wrote it (content, or the forced tool call's arguments). */
  text: string;
  extracted: Extracted;
  mode: OutputMode;
  /** The answer was cut at the max-tokens limit even after the retries with a higher limit. */
  truncated: boolean;
  /** HTTP calls this answer took (mode fallbacks and length retries included). */
  calls: number;
}

/** Same options as the {@link AdaptiveChatModel} it asks through. */
export type StructuredModelOptions = AdaptiveChatModelOptions;

function schemaInstructions(req: StructuredRequest): string {
  return (
    `\n\nAnswer with one JSON object only, no prose around it, matching this JSON schema (${req.name}):\n` +
    '```json\n' +
    JSON.stringify(req.jsonSchema) +
    '\n```'
  );
}

function toMessages(turns: ChatTurn[]): BaseMessage[] {
  return turns.map((t) => (t.role === 'system' ? new SystemMessage(t.content) : t.role === 'user' ? new HumanMessage(t.content) : new AIMessage(t.content)));
}

/** The turns for a mode: the schema goes into the system prompt where the request does not carry it. */
function turnsFor(mode: OutputMode, req: StructuredRequest): ChatTurn[] {
  if (mode === 'json_schema') return req.turns;
  const extra = mode === 'tool' ? `\n\nAnswer by calling the \`${req.name}\` tool with your answer as its arguments.` : schemaInstructions(req);
  const sys = req.turns.findIndex((t) => t.role === 'system');
  if (sys < 0) return [{ role: 'system', content: extra.trim() }, ...req.turns];
  return req.turns.map((t, i) => (i === sys ? { ...t, content: t.content + extra } : t));
}

function callOptionsFor(mode: OutputMode, req: StructuredRequest): Record<string, unknown> {
  switch (mode) {
    case 'json_schema':
      return { response_format: { type: 'json_schema', json_schema: { name: req.name, schema: req.jsonSchema, strict: false } } };
    case 'json_object':
      return { response_format: { type: 'json_object' } };
    case 'tool':
      return {
        tools: [{ type: 'function', function: { name: req.name, description: req.description ?? `Submit the ${req.name} answer.`, parameters: req.jsonSchema } }],
        tool_choice: { type: 'function', function: { name: req.name } },
      };
    case 'prompt':
      return {};
  }
}

/** The text of a message's content (string or parts). */
export function messageText(msg: BaseMessage): string {
  const c = msg.content;
  if (typeof c === 'string') return c;
  return c.map((p) => (typeof p === 'string' ? p : 'text' in p && typeof p.text === 'string' ? p.text : '')).join('');
}

/** In tool mode the answer is the tool call's raw arguments (invalid JSON included: it is repaired like text). */
function answerText(msg: AIMessage, name: string): string {
  const raw = (msg.additional_kwargs?.tool_calls ?? []) as Array<{ function?: { name?: string; arguments?: string } }>;
  const call = raw.find((c) => c.function?.name === name) ?? raw[0];
  if (call?.function?.arguments !== undefined) return call.function.arguments;
  const parsed = msg.tool_calls?.[0];
  if (parsed) return JSON.stringify(parsed.args);
  return messageText(msg);
}

/**
 * A role's model asked for structured answers, the way real OpenAI-compatible servers can
 * give them. It always sees the raw text (no SDK-side parse) and reads the JSON tolerantly;
 * it never throws for what the model wrote (the caller validates and repairs). It asks in
 * the role's output mode (`json_schema` by default, then `json_object`, `tool`, `prompt`),
 * falling down that list when the server answers 400 naming what it refuses, remembered per
 * endpoint+model for the process lifetime and logged once. Streaming-only servers, answers
 * cut at the max-tokens limit and context-window warnings are handled by
 * {@link AdaptiveChatModel}; transport errors are retried inside the chat model (retry.ts).
 */
export class StructuredModel {
  private readonly chat: AdaptiveChatModel;
  private readonly configuredMode: OutputMode;

  constructor(opts: StructuredModelOptions) {
    this.chat = new AdaptiveChatModel(opts);
    this.configuredMode = resolveEndpoint(opts.cfg, opts.role, opts.spec).settings.outputMode;
  }

  /** The mode the next call will use (what was learnt about the endpoint, else the configured one). */
  get mode(): OutputMode {
    return this.chat.memory.mode(this.chat.key) ?? this.configuredMode;
  }

  /** Asks for one structured answer; see the class comment. */
  async call(req: StructuredRequest): Promise<StructuredResult> {
    let mode = this.mode;
    let calls = 0;
    for (;;) {
      let answer: AdaptiveAnswer;
      try {
        answer = await this.chat.invoke(toMessages(turnsFor(mode, req)), {
          ...(req.callbacks ? { callbacks: req.callbacks } : {}),
          ...(req.signal ? { signal: req.signal } : {}),
          ...callOptionsFor(mode, req),
        });
      } catch (err) {
        calls++;
        const refused = unsupportedFeature(err);
        const next = refused === 'response_format' || refused === 'tools' ? nextMode(mode, refused) : undefined;
        if (!next) throw err;
        this.chat.memory.setMode(this.chat.key, next);
        this.chat.noticeOnce(`${this.chat.key}:${mode}`, 'warn', { from: mode, to: next, reason: (err as Error).message }, `the model server refused output mode '${mode}': using '${next}' from now on`);
        mode = next;
        continue;
      }
      calls += answer.calls;
      const text = answerText(answer.message, req.name);
      if (answer.truncated) {
        const used = answer.message.usage_metadata?.output_tokens;
        return {
          text,
          extracted: { ok: false, error: `the answer was cut off at the max-tokens limit (finish_reason: length${used ? `, ${used} tokens` : ''}) even with a higher limit; set AIME_${this.chat.opts.role.toUpperCase()}_MAX_TOKENS higher` },
          mode,
          truncated: true,
          calls,
        };
      }
      return { text, extracted: extractJson(text), mode, truncated: false, calls };
    }
  }
}
