import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { costOf, DEFAULT_PRICES, type PriceTable } from './prices.ts';
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
  costUsd: number;
}

export type UsageSink = (u: UsageRecord) => void | Promise<void>;

/** Token counts from a message's `usage_metadata`; zeros when the model reported none. */
export function usageFromMessage(msg: AIMessage): { promptTokens: number; completionTokens: number } {
  const u = msg.usage_metadata;
  return { promptTokens: u?.input_tokens ?? 0, completionTokens: u?.output_tokens ?? 0 };
}

function usageFromResult(output: LLMResult): { promptTokens: number; completionTokens: number } {
  for (const gens of output.generations) {
    for (const gen of gens) {
      const message = (gen as { message?: BaseMessage }).message as AIMessage | undefined;
      if (message?.usage_metadata) return usageFromMessage(message);
    }
  }
  // Not every path puts usage on the message; the completions API also reports it here.
  const tu = (output.llmOutput?.tokenUsage ?? output.llmOutput?.estimatedTokenUsage) as { promptTokens?: number; completionTokens?: number } | undefined;
  return { promptTokens: tu?.promptTokens ?? 0, completionTokens: tu?.completionTokens ?? 0 };
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

  /** @param prices @default DEFAULT_PRICES */
  constructor(attribution: UsageAttribution, sink: UsageSink, prices: PriceTable = DEFAULT_PRICES) {
    super();
    this.attribution = { ...attribution };
    this.sink = sink;
    this.prices = prices;
    this.awaitHandlers = true;
  }

  override async handleLLMEnd(output: LLMResult): Promise<void> {
    const { promptTokens, completionTokens } = usageFromResult(output);
    const costUsd = costOf(this.attribution.model, promptTokens, completionTokens, this.prices);
    await this.sink({ ...this.attribution, promptTokens, completionTokens, costUsd });
  }
}

/** A {@link UsageRecorder} for one attribution. */
export function createUsageCallback(attribution: UsageAttribution, sink: UsageSink, prices?: PriceTable): UsageRecorder {
  return new UsageRecorder(attribution, sink, prices);
}
