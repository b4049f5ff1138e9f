import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { Callbacks } from '@langchain/core/callbacks/manager';
import { createChatModel, resolveEndpoint, type RawChatOpenAI } from './chat-model.ts';
import type { ModelsConfig } from './config.ts';
import { extractJson, type Extracted } from './extract-json.ts';
import { EndpointMemory, endpointMemory, nextMode, unsupportedFeature, type OutputMode } from './output-mode.ts';
import type { ModelRole } from './roles.ts';
import { estimateTokens } from './tokens.ts';

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

/** Where one-time notices go (a pino logger fits). */
export interface NoticeLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface StructuredModelOptions {
  cfg: ModelsConfig;
  role: ModelRole;
  /** Another spec for this role (a mission's model override). */
  spec?: string;
  logger?: NoticeLogger;
  /** @default the process-wide endpointMemory */
  memory?: EndpointMemory;
}

/** Length retries after a `finish_reason: length` answer. */
const LENGTH_RETRIES = 2;
/** The first raised limit when none was set, and the highest we ask for. */
const MIN_RAISED_MAX_TOKENS = 4096;
const MAX_RAISED_MAX_TOKENS = 65_536;

/** Notices already logged, so each fallback is logged once per process. */
const noticed = new Set<string>();

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
 * it never throws for what the model wrote (the caller validates and repairs). It does:
 * - ask in the role's output mode (`json_schema` by default, then `json_object`, `tool`,
 *   `prompt`), falling down that list when the server answers 400 naming what it refuses,
 *   remembered per endpoint+model for the process lifetime and logged once;
 * - switch to streaming when the server only streams (remembered too);
 * - retry an answer cut at the max-tokens limit (`finish_reason: length`) with a higher
 *   limit instead of parsing it as if complete;
 * - warn once when a call's estimated prompt exceeds the role's configured context window.
 * Transport errors (429, 5xx, timeouts) are retried inside the chat model (retry.ts) and
 * thrown when they persist.
 */
export class StructuredModel {
  private readonly models = new Map<string, RawChatOpenAI>();
  private readonly memory: EndpointMemory;
  private readonly key: string;
  private readonly contextWindow: number | undefined;
  private readonly configuredMode: OutputMode;
  private readonly configuredMaxTokens: number | undefined;

  constructor(private readonly opts: StructuredModelOptions) {
    const endpoint = resolveEndpoint(opts.cfg, opts.role, opts.spec);
    this.memory = opts.memory ?? endpointMemory;
    this.key = EndpointMemory.key(endpoint.baseURL, endpoint.spec.model);
    this.contextWindow = endpoint.settings.contextWindow;
    this.configuredMode = endpoint.settings.outputMode;
    this.configuredMaxTokens = endpoint.settings.maxTokens;
  }

  /** The mode the next call will use (what was learnt about the endpoint, else the configured one). */
  get mode(): OutputMode {
    return this.memory.mode(this.key) ?? this.configuredMode;
  }

  private model(maxTokens: number | undefined, streaming: boolean): RawChatOpenAI {
    const id = `${maxTokens ?? ''}:${streaming}`;
    let m = this.models.get(id);
    if (!m) {
      m = createChatModel(this.opts.cfg, this.opts.role, {
        ...(this.opts.spec ? { spec: this.opts.spec } : {}),
        ...(maxTokens !== undefined ? { maxTokens } : {}),
        streaming,
      });
      this.models.set(id, m);
    }
    return m;
  }

  private noticeOnce(id: string, level: 'warn' | 'info', obj: object, msg: string): void {
    if (noticed.has(id)) return;
    noticed.add(id);
    this.opts.logger?.[level]({ role: this.opts.role, endpoint: this.key.replace(/\/\/[^@/]*@/, '//'), ...obj }, msg);
  }

  /** Asks for one structured answer; see the class comment. */
  async call(req: StructuredRequest): Promise<StructuredResult> {
    let mode = this.mode;
    let streaming = this.memory.mustStream(this.key);
    let maxTokens = this.configuredMaxTokens;
    let lengthRetries = 0;
    let calls = 0;
    for (;;) {
      const turns = turnsFor(mode, req);
      this.preflight(turns, req);
      let msg: AIMessage;
      try {
        calls++;
        msg = (await this.model(maxTokens, streaming).invoke(toMessages(turns), {
          ...(req.callbacks ? { callbacks: req.callbacks } : {}),
          ...(req.signal ? { signal: req.signal } : {}),
          ...callOptionsFor(mode, req),
        })) as AIMessage;
      } catch (err) {
        const refused = unsupportedFeature(err);
        if (refused === 'stream_required' && !streaming) {
          streaming = true;
          this.memory.setMustStream(this.key);
          this.noticeOnce(`${this.key}:stream`, 'warn', { reason: (err as Error).message }, 'the model server only streams: streaming from now on');
          continue;
        }
        if (refused === 'response_format' || refused === 'tools') {
          const next = nextMode(mode, refused);
          if (next) {
            this.memory.setMode(this.key, next);
            this.noticeOnce(`${this.key}:${mode}`, 'warn', { from: mode, to: next, reason: (err as Error).message }, `the model server refused output mode '${mode}': using '${next}' from now on`);
            mode = next;
            continue;
          }
        }
        throw err;
      }
      const text = answerText(msg, req.name);
      const finish = (msg.response_metadata?.finish_reason ?? msg.response_metadata?.finishReason) as string | undefined;
      if (finish === 'length') {
        const used = msg.usage_metadata?.output_tokens ?? estimateTokens(text);
        if (lengthRetries >= LENGTH_RETRIES) {
          return {
            text,
            extracted: { ok: false, error: `the answer was cut off at the max-tokens limit (finish_reason: length, ${used} tokens) ${lengthRetries + 1} times; set AIME_${this.opts.role.toUpperCase()}_MAX_TOKENS higher` },
            mode,
            truncated: true,
            calls,
          };
        }
        lengthRetries++;
        const raised = Math.min(MAX_RAISED_MAX_TOKENS, Math.max(MIN_RAISED_MAX_TOKENS, 2 * (maxTokens ?? used)));
        this.opts.logger?.info({ role: this.opts.role, used, maxTokens: raised }, 'the model answer was cut at the max-tokens limit: asking again with a higher limit');
        if (maxTokens !== undefined && raised <= maxTokens) {
          return { text, extracted: { ok: false, error: `the answer was cut off at ${maxTokens} tokens, the highest limit tried` }, mode, truncated: true, calls };
        }
        maxTokens = raised;
        continue;
      }
      return { text, extracted: extractJson(text), mode, truncated: false, calls };
    }
  }

  /** Warns (once per endpoint and size class) when the prompt alone is estimated above the context window. */
  private preflight(turns: ChatTurn[], req: StructuredRequest): void {
    if (!this.contextWindow) return;
    const estimate = turns.reduce((n, t) => n + 4 + estimateTokens(t.content), 0) + estimateTokens(JSON.stringify(req.jsonSchema));
    if (estimate <= this.contextWindow) return;
    this.noticeOnce(`${this.key}:ctx:${Math.round(estimate / 1000)}`, 'warn', { estimate, contextWindow: this.contextWindow }, contextWarning(this.opts.role, estimate, this.contextWindow));
  }
}

/** The message of a context-window warning, with the fix. */
export function contextWarning(role: ModelRole, estimate: number, contextWindow: number): string {
  return (
    `the ${role} prompt is about ${estimate} tokens, more than the configured context window of ${contextWindow}: ` +
    `the server may cut it silently (Ollama does at its default window; raise it with num_ctx / OLLAMA_CONTEXT_LENGTH) ` +
    `or refuse it; set AIME_${role.toUpperCase()}_CONTEXT_WINDOW to the model's real window`
  );
}
