import { ChatOpenAICompletions, wrapOpenAIClientError } from '@langchain/openai';
import type OpenAI from 'openai';
import type { ModelsConfig } from './config.ts';
import { ModelConfigError } from './errors.ts';
import { createFailedAttemptHandler } from './retry.ts';
import { isReasoningModel, type RoleSettings } from './role-settings.ts';
import type { ModelRole } from './roles.ts';
import { parseModelSpec, type ModelSpec } from './spec.ts';

/** Per-call-site overrides of the configured limits. */
export interface ChatModelOptions {
  /** Per attempt. @default the role's timeoutMs */
  timeoutMs?: number;
  /** Retries after the first attempt. @default cfg.maxRetries */
  maxRetries?: number;
  /** Longest Retry-After honoured before giving up. @default 60000 */
  maxRetryAfterMs?: number;
  /** Another model spec for this role (a mission's override); the role's endpoint and settings stay. */
  spec?: string;
  /** `max_tokens` for this model instance. @default the role's maxTokens */
  maxTokens?: number;
}

/** The sim ignores keys; the openai client insists on one. */
const SIM_API_KEY = 'sim';
/** For keyless local servers (Ollama, vLLM...) reached through a base URL. */
const NO_KEY = 'not-needed';

/**
 * ChatOpenAI's completions model, except that a `json_schema` response format goes through
 * the SDK's `create`, not `parse`: `parse` throws on fenced or prose-wrapped JSON and on
 * `finish_reason: length` before the runtime sees the text, and those answers are the
 * runtime's to read tolerantly and repair (see structured.ts).
 */
export class RawChatOpenAI extends ChatOpenAICompletions {
  override completionWithRetry(request: OpenAI.Chat.ChatCompletionCreateParamsStreaming, requestOptions?: OpenAI.RequestOptions): Promise<AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>>;
  override completionWithRetry(request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, requestOptions?: OpenAI.RequestOptions): Promise<OpenAI.Chat.Completions.ChatCompletion>;
  override async completionWithRetry(
    request: OpenAI.Chat.ChatCompletionCreateParamsStreaming | OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
    requestOptions?: OpenAI.RequestOptions,
  ): Promise<AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk> | OpenAI.Chat.Completions.ChatCompletion> {
    if (request.stream || request.response_format?.type !== 'json_schema') {
      return super.completionWithRetry(request as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, requestOptions);
    }
    const { maxRetries, ...sdkOptions } = (requestOptions ?? {}) as OpenAI.RequestOptions & { maxRetries?: number };
    const clientOptions = this._getClientOptions(sdkOptions);
    return this.caller.callWithOptions({ ...(maxRetries !== undefined ? { maxRetries } : {}) }, async () => {
      try {
        return await this.client.chat.completions.create(request, clientOptions);
      } catch (e) {
        throw wrapOpenAIClientError(e);
      }
    });
  }
}

/** Where a role's calls go: base URL and key, as resolved for a spec. */
export interface ResolvedEndpoint {
  spec: ModelSpec;
  baseURL?: string;
  apiKey: string;
  settings: RoleSettings;
}

/**
 * The endpoint of a role (or of another spec used in that role): the sim server for `sim`
 * specs, else the role's base URL and key (falling back to OPENAI_BASE_URL / OPENAI_API_KEY).
 * @throws ModelConfigError when an OpenAI spec has neither key nor base URL.
 */
export function resolveEndpoint(cfg: ModelsConfig, role: ModelRole, specText?: string): ResolvedEndpoint {
  const spec = specText ? parseModelSpec(specText, `the ${role} model`) : cfg.models[role];
  if (!spec) throw new ModelConfigError(`unknown model role '${String(role)}': expected planner, factory or actor`);
  const settings = cfg.roles?.[role] ?? { timeoutMs: cfg.timeoutMs, outputMode: 'json_schema' };
  if (spec.provider === 'sim') return { spec, baseURL: cfg.simURL, apiKey: SIM_API_KEY, settings };
  const baseURL = settings.baseURL ?? cfg.openai.baseURL;
  const apiKey = settings.apiKey ?? cfg.openai.apiKey ?? (baseURL ? NO_KEY : undefined);
  if (!apiKey) throw new ModelConfigError(`the ${role} model '${spec.spec}' needs OPENAI_API_KEY or OPENAI_BASE_URL (or AIME_${role.toUpperCase()}_API_KEY / _BASE_URL)`);
  return { spec, ...(baseURL ? { baseURL } : {}), apiKey, settings };
}

/**
 * A chat model for one role: the sim server for `sim` specs, else the role's endpoint.
 * Retries 429/408/409/5xx, timeouts and connection errors with exponential backoff and
 * jitter, waiting for Retry-After when the server sends one (see retry.ts); a reasoning
 * model's timeout is not retried blindly.
 * @throws ModelConfigError on invalid options.
 */
export function createChatModel(cfg: ModelsConfig, role: ModelRole, opts: ChatModelOptions = {}): RawChatOpenAI {
  const endpoint = resolveEndpoint(cfg, role, opts.spec);
  const { spec, settings } = endpoint;
  const timeoutMs = opts.timeoutMs ?? settings.timeoutMs ?? cfg.timeoutMs;
  const maxRetries = opts.maxRetries ?? cfg.maxRetries;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ModelConfigError(`timeoutMs must be a positive integer, got ${String(timeoutMs)}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new ModelConfigError(`maxRetries must be a non-negative integer, got ${String(maxRetries)}`);
  const maxTokens = opts.maxTokens ?? settings.maxTokens;
  const reasoning = isReasoningModel(spec.model) || settings.reasoningEffort !== undefined;

  return new RawChatOpenAI({
    model: spec.model,
    apiKey: endpoint.apiKey,
    timeout: timeoutMs,
    maxRetries,
    ...(settings.temperature !== undefined && !isReasoningModel(spec.model) ? { temperature: settings.temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(settings.reasoningEffort ? { reasoning: { effort: settings.reasoningEffort } } : {}),
    onFailedAttempt: createFailedAttemptHandler({
      role,
      model: spec.spec,
      timeoutMs,
      reasoning,
      ...(opts.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: opts.maxRetryAfterMs } : {}),
    }),
    // Ask for usage on streams too, so every call can be accounted for.
    streamUsage: true,
    ...(endpoint.baseURL ? { configuration: { baseURL: endpoint.baseURL } } : {}),
  });
}
