import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { context, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { ATTR, idAttributes, runtimeMetrics, SPAN, tracer } from '@aime/telemetry';
import { costOf, DEFAULT_PRICES, priceOf, type PriceTable } from './prices.ts';
import type { ModelRole } from './roles.ts';

/** Whom a model call is charged to. */
export interface UsageAttribution {
  role: ModelRole;
  /** The model spec (`sim`, `openai:gpt-4o-mini`), as shown and priced. */
  model: string;
  missionId: string;
  taskId?: string;
  actorId?: string;
}

/** One model call's usage, attributed and priced. */
export interface UsageRecord extends UsageAttribution {
  promptTokens: number;
  completionTokens: number;
  /** Of `promptTokens`, those served from the provider's prompt cache (priced lower). */
  cachedPromptTokens: number;
  /** Of `completionTokens`, those spent reasoning (o-series, R1...). */
  reasoningTokens: number;
  costUsd: number;
  /** `provider`: the server reported the cost (OpenRouter `usage.cost`); `price_table`: priced here; `unknown`: no price, counted as 0. */
  costSource: 'provider' | 'price_table' | 'unknown';
  /** Set when the call failed (after the chat model's own retries): what went wrong, in short. No tokens are counted for it. */
  error?: string;
}

/** Token counts of one call, as the runtime records them. */
export interface CallTokens {
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens: number;
  reasoningTokens: number;
  /** The cost the provider reported, when it did. */
  providerCostUsd?: number;
}

export type UsageSink = (u: UsageRecord) => void | Promise<void>;

/** A finite non-negative number, else undefined. */
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/**
 * Token counts from a message: `usage_metadata` (with cache reads and reasoning tokens) and,
 * for what LangChain does not carry over, the raw `usage` in `response_metadata` (OpenRouter's
 * `cost`, and `prompt_tokens_details.cached_tokens` from servers LangChain reads partly).
 * Zeros when the model reported none.
 */
export function usageFromMessage(msg: AIMessage): CallTokens {
  const u = msg.usage_metadata;
  const raw = msg.response_metadata?.usage as
    | { prompt_tokens?: unknown; completion_tokens?: unknown; cost?: unknown; prompt_tokens_details?: { cached_tokens?: unknown }; completion_tokens_details?: { reasoning_tokens?: unknown } }
    | undefined;
  const promptTokens = u?.input_tokens ?? count(raw?.prompt_tokens) ?? 0;
  const completionTokens = u?.output_tokens ?? count(raw?.completion_tokens) ?? 0;
  const cached = u?.input_token_details?.cache_read ?? count(raw?.prompt_tokens_details?.cached_tokens) ?? 0;
  const reasoning = u?.output_token_details?.reasoning ?? count(raw?.completion_tokens_details?.reasoning_tokens) ?? 0;
  const providerCostUsd = count(raw?.cost);
  return {
    promptTokens,
    completionTokens,
    cachedPromptTokens: Math.min(cached, promptTokens),
    reasoningTokens: Math.min(reasoning, completionTokens),
    ...(providerCostUsd !== undefined ? { providerCostUsd } : {}),
  };
}

function usageFromResult(output: LLMResult): CallTokens {
  for (const gens of output.generations) {
    for (const gen of gens) {
      const message = (gen as { message?: BaseMessage }).message as AIMessage | undefined;
      if (message?.usage_metadata || message?.response_metadata?.usage) return usageFromMessage(message);
    }
  }
  // Not every path puts usage on the message; the completions API also reports it here.
  const tu = (output.llmOutput?.tokenUsage ?? output.llmOutput?.estimatedTokenUsage) as { promptTokens?: number; completionTokens?: number } | undefined;
  return { promptTokens: tu?.promptTokens ?? 0, completionTokens: tu?.completionTokens ?? 0, cachedPromptTokens: 0, reasoningTokens: 0 };
}

/**
 * Prices one call: the provider's own figure when it reported one, else the price table
 * (cached prompt tokens at the cached price); an unknown model costs 0 with `costSource: 'unknown'`.
 */
export function priceCall(model: string, tokens: CallTokens, prices: PriceTable = DEFAULT_PRICES): Pick<UsageRecord, 'costUsd' | 'costSource'> {
  if (tokens.providerCostUsd !== undefined) return { costUsd: tokens.providerCostUsd, costSource: 'provider' };
  if (!priceOf(model, prices)) return { costUsd: 0, costSource: 'unknown' };
  return { costUsd: costOf(model, tokens.promptTokens, tokens.completionTokens, prices, tokens.cachedPromptTokens), costSource: 'price_table' };
}

/**
 * A LangChain callback handler that reports every model call's usage, with its attribution
 * and cost, to a sink. Handlers are awaited, so the record is in when the call returns.
 * Pass it per call (`invoke(x, { callbacks: [recorder] })`) so the attribution is right.
 */
export class UsageRecorder extends BaseCallbackHandler {
  name = 'aime-usage-recorder';
  private readonly attribution: UsageAttribution;
  private readonly sink: UsageSink;
  private readonly prices: PriceTable;
  /** The span of the work this recorder was made for (planner step, factory build, actor run): the parent of each call's span. */
  private readonly parent: Context = context.active();
  private readonly spans = new Map<string, Span>();

  /** @param prices @default DEFAULT_PRICES */
  constructor(attribution: UsageAttribution, sink: UsageSink, prices: PriceTable = DEFAULT_PRICES) {
    super();
    this.attribution = { ...attribution };
    this.sink = sink;
    this.prices = prices;
    this.awaitHandlers = true;
  }

  /** One `chat <model>` span per call, with the GenAI semantic-convention attributes. */
  override handleChatModelStart(_llm: unknown, _messages: unknown, runId: string): void {
    const { role, model, missionId, taskId, actorId } = this.attribution;
    const [system, name] = model.includes(':') ? [model.slice(0, model.indexOf(':')), model.slice(model.indexOf(':') + 1)] : [model, model];
    const span = tracer().startSpan(
      SPAN.chat(name),
      { attributes: { [ATTR.genAiSystem]: system, [ATTR.genAiOperation]: 'chat', [ATTR.genAiRequestModel]: name, [ATTR.role]: role, ...idAttributes({ missionId, taskId, actorId }) } },
      this.parent,
    );
    this.spans.set(runId, span);
  }

  private endSpan(runId: string | undefined, record: Pick<UsageRecord, 'promptTokens' | 'completionTokens' | 'costUsd' | 'error'>, count = true): void {
    if (count) {
      const m = runtimeMetrics();
      const labels = { role: this.attribution.role, model: this.attribution.model };
      m.modelCalls.inc({ ...labels, status: record.error ? 'error' : 'ok' });
      m.modelTokens.inc({ ...labels, kind: 'input' }, record.promptTokens);
      m.modelTokens.inc({ ...labels, kind: 'output' }, record.completionTokens);
      m.modelCost.inc(labels, record.costUsd);
    }
    const span = runId ? this.spans.get(runId) : undefined;
    if (!span) return;
    this.spans.delete(runId!);
    span.setAttributes({ [ATTR.genAiInputTokens]: record.promptTokens, [ATTR.genAiOutputTokens]: record.completionTokens, [ATTR.costUsd]: record.costUsd });
    if (record.error) span.setStatus({ code: SpanStatusCode.ERROR, message: record.error });
    span.end();
  }

  /**
   * A call that failed for good (a 400 for an unsupported feature, a timeout, a 5xx after the
   * retries) is counted too, with no tokens: the mission shows every call it made.
   */
  override async handleLLMError(err: Error, runId?: string): Promise<void> {
    // A call stopped on purpose (a cancelled mission) is not a failure of the model.
    if (err.name === 'AbortError' || /^(Cancel|Abort)/.test(err.message)) {
      this.endSpan(runId, { promptTokens: 0, completionTokens: 0, costUsd: 0 }, false);
      return;
    }
    const error = `${(err as { status?: number }).status ?? err.name}: ${err.message}`.replace(/\s+/g, ' ').slice(0, 200);
    const record: UsageRecord = { ...this.attribution, promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, reasoningTokens: 0, costUsd: 0, costSource: 'price_table', error };
    this.endSpan(runId, record);
    await this.sink(record);
  }

  override async handleLLMEnd(output: LLMResult, runId?: string): Promise<void> {
    const tokens = usageFromResult(output);
    const { providerCostUsd: _, ...counts } = tokens;
    const record: UsageRecord = { ...this.attribution, ...counts, ...priceCall(this.attribution.model, tokens, this.prices) };
    this.endSpan(runId, record);
    await this.sink(record);
  }
}

/** A {@link UsageRecorder} for one attribution. */
export function createUsageCallback(attribution: UsageAttribution, sink: UsageSink, prices?: PriceTable): UsageRecorder {
  return new UsageRecorder(attribution, sink, prices);
}
