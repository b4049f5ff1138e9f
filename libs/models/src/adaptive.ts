import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { Callbacks } from '@langchain/core/callbacks/manager';
import { createChatModel, resolveEndpoint, type RawChatOpenAI } from './chat-model.ts';
import type { ModelsConfig } from './config.ts';
import { EndpointMemory, endpointMemory, unsupportedFeature } from './output-mode.ts';
import type { ModelRole } from './roles.ts';
import { estimateTokens } from './tokens.ts';

/** Where one-time notices go (a pino logger fits). */
export interface NoticeLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface AdaptiveChatModelOptions {
  cfg: ModelsConfig;
  role: ModelRole;
  /** Another spec for this role (a mission's model override). */
  spec?: string;
  logger?: NoticeLogger;
  /** @default the process-wide endpointMemory */
  memory?: EndpointMemory;
}

/** Options of one call: LangChain call options (tools, tool_choice, response_format...) plus these. */
export interface AdaptiveCallOptions {
  callbacks?: Callbacks;
  signal?: AbortSignal;
  [option: string]: unknown;
}

/** One answer, after any stream fallback and length retries. */
export interface AdaptiveAnswer {
  message: AIMessage;
  /** Still cut at the max-tokens limit after the retries with a higher limit. */
  truncated: boolean;
  /** HTTP calls it took. */
  calls: number;
}

/** Length retries after a `finish_reason: length` answer. */
const LENGTH_RETRIES = 2;
/** The first raised limit when none was set, and the highest we ask for. */
const MIN_RAISED_MAX_TOKENS = 4096;
const MAX_RAISED_MAX_TOKENS = 65_536;

/** Notices already logged, so each is logged once per process. */
const noticed = new Set<string>();

/**
 * A role's chat model that adapts to what the endpoint does, for every kind of call
 * (structured answers and tool-calling actors alike):
 * - a server that answers 400 to non-streaming requests is streamed from then on
 *   (remembered per endpoint+model for the process lifetime, logged once);
 * - an answer cut at the max-tokens limit (`finish_reason: length`) is asked again with a
 *   higher limit (up to {@link LENGTH_RETRIES} times), never returned as if complete;
 * - a prompt estimated above the role's configured context window is warned about once.
 * Transport errors (429, 5xx, timeouts) are retried inside the chat model (retry.ts).
 */
export class AdaptiveChatModel {
  private readonly models = new Map<string, RawChatOpenAI>();
  readonly memory: EndpointMemory;
  /** `baseURL#model`: what fallbacks are remembered by. */
  readonly key: string;
  private readonly contextWindow: number | undefined;
  private readonly configuredMaxTokens: number | undefined;

  constructor(readonly opts: AdaptiveChatModelOptions) {
    const endpoint = resolveEndpoint(opts.cfg, opts.role, opts.spec);
    this.memory = opts.memory ?? endpointMemory;
    this.key = EndpointMemory.key(endpoint.baseURL, endpoint.spec.model);
    this.contextWindow = endpoint.settings.contextWindow;
    this.configuredMaxTokens = endpoint.settings.maxTokens;
  }

  private model(maxTokens: number | undefined): RawChatOpenAI {
    const id = String(maxTokens ?? '');
    let m = this.models.get(id);
    if (!m) {
      m = createChatModel(this.opts.cfg, this.opts.role, { ...(this.opts.spec ? { spec: this.opts.spec } : {}), ...(maxTokens !== undefined ? { maxTokens } : {}) });
      this.models.set(id, m);
    }
    return m;
  }

  /**
   * One call, streamed when the server only streams. Not `streaming: true` + `invoke`: that
   * path of ChatOpenAI estimates usage with tiktoken (which downloads its ranks) instead of
   * reading the usage chunk. `stream()` reads it, and the callbacks see the whole answer.
   */
  private async once(model: RawChatOpenAI, messages: BaseMessage[], options: AdaptiveCallOptions, streaming: boolean): Promise<AIMessage> {
    if (!streaming) return (await model.invoke(messages, options)) as AIMessage;
    let acc: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(messages, options)) acc = acc ? acc.concat(chunk) : chunk;
    if (!acc) throw new Error(`the ${this.opts.role} model streamed no answer`);
    return new AIMessage({
      content: acc.content,
      tool_calls: acc.tool_calls ?? [],
      invalid_tool_calls: acc.invalid_tool_calls ?? [],
      additional_kwargs: acc.additional_kwargs,
      response_metadata: acc.response_metadata,
      ...(acc.usage_metadata ? { usage_metadata: acc.usage_metadata } : {}),
      ...(acc.id ? { id: acc.id } : {}),
    });
  }

  /** Logs a notice once per process (per `id`). */
  noticeOnce(id: string, level: 'warn' | 'info', obj: object, msg: string): void {
    if (noticed.has(id)) return;
    noticed.add(id);
    this.opts.logger?.[level]({ role: this.opts.role, endpoint: this.key, ...obj }, msg);
  }

  /** Calls the model; see the class comment. Throws what the server refused besides streaming. */
  async invoke(messages: BaseMessage[], options: AdaptiveCallOptions = {}): Promise<AdaptiveAnswer> {
    let maxTokens = this.configuredMaxTokens;
    let lengthRetries = 0;
    let calls = 0;
    this.preflight(messages, options);
    for (;;) {
      const streaming = this.memory.mustStream(this.key);
      let message: AIMessage;
      try {
        calls++;
        message = await this.once(this.model(maxTokens), messages, options, streaming);
      } catch (err) {
        if (!streaming && unsupportedFeature(err) === 'stream_required') {
          this.memory.setMustStream(this.key);
          this.noticeOnce(`${this.key}:stream`, 'warn', { reason: (err as Error).message }, 'the model server only streams: streaming from now on');
          continue;
        }
        throw err;
      }
      const finish = (message.response_metadata?.finish_reason ?? message.response_metadata?.finishReason) as string | undefined;
      if (finish !== 'length') return { message, truncated: false, calls };
      const used = message.usage_metadata?.output_tokens ?? estimateTokens(String(message.content));
      const raised = Math.min(MAX_RAISED_MAX_TOKENS, Math.max(MIN_RAISED_MAX_TOKENS, 2 * (maxTokens ?? used)));
      if (lengthRetries >= LENGTH_RETRIES || (maxTokens !== undefined && raised <= maxTokens)) return { message, truncated: true, calls };
      lengthRetries++;
      this.opts.logger?.info({ role: this.opts.role, used, maxTokens: raised }, 'the model answer was cut at the max-tokens limit: asking again with a higher limit');
      maxTokens = raised;
    }
  }

  /** Warns (once per endpoint and size class) when the prompt is estimated above the context window. */
  private preflight(messages: BaseMessage[], options: AdaptiveCallOptions): void {
    if (!this.contextWindow) return;
    let estimate = 0;
    for (const m of messages) estimate += 4 + estimateTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content));
    for (const k of ['tools', 'response_format'] as const) if (options[k]) estimate += estimateTokens(JSON.stringify(options[k]));
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
