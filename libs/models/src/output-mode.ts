/**
 * How a structured answer (planner operations, an actor spec) is asked of a model, and the
 * fallback when an endpoint refuses a way of asking. Real servers differ: llama.cpp, older
 * vLLM and LM Studio builds refuse `json_schema`; some refuse `tools`; some only stream.
 */

/** In fallback order: the first is the strictest a server may support. */
export const OUTPUT_MODES = ['json_schema', 'json_object', 'tool', 'prompt'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

/** What a 400 says the server does not support. */
export type Unsupported = 'response_format' | 'tools' | 'stream_required' | 'max_tokens';

type ApiError = Error & { status?: number; param?: unknown; error?: { param?: unknown; message?: unknown }; lc_error_code?: unknown };

/**
 * Reads a 400/422 from an OpenAI-compatible server: which feature of the request it refused,
 * from the `param` field or the message. Undefined for anything else (a 400 about the prompt,
 * an auth error, a 5xx): those are not solved by asking another way.
 */
export function unsupportedFeature(err: unknown): Unsupported | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as ApiError;
  const status = e.status ?? (e as { response?: { status?: number } }).response?.status;
  const param = String(e.param ?? e.error?.param ?? '');
  const text = `${param} ${e.message} ${String(e.error?.message ?? '')}`.toLowerCase();
  // OpenRouter answers 404 when no provider of the model supports what was asked.
  if (status === 404 && /no endpoints found that support (tool|function)/.test(text)) return 'tools';
  if (status === 404 && /no endpoints found that support (response_format|structured|json)/.test(text)) return 'response_format';
  if (status !== 400 && status !== 422 && status !== 501) return undefined;
  // About the conversation or its length, not a feature: asking another way cannot help.
  if (param === 'messages' || /maximum context length|context length|context window|too many tokens|prompt is too long/.test(text)) return undefined;
  if (/only (answers?|supports?|accepts?|allows?) stream|stream(ing)? (is |mode is )?required|set stream to true|enable the stream|must (use|set) stream|stream must be true|requires? stream|only streaming/.test(text)) return 'stream_required';
  const refusal = /not supported|unsupported|does not support|doesn't support|not available|not allowed|not enabled|enabled only|only for|requires?|invalid|unknown|must be|unrecognized|not implemented|no endpoints/.test(text);
  if (!refusal) return undefined;
  if (/response_format|json_schema|json_object|structured output|guided_json|grammar/.test(text)) return 'response_format';
  if (/\btools?\b|tool_choice|function call|functions? (are|is) not supported/.test(text)) return 'tools';
  if (/max_tokens|max_completion_tokens/.test(text)) return 'max_tokens';
  return undefined;
}

/** The next mode down the list that avoids what the server refused, or undefined when none is left. */
export function nextMode(current: OutputMode, refused: Unsupported): OutputMode | undefined {
  const rest = OUTPUT_MODES.slice(OUTPUT_MODES.indexOf(current) + 1);
  if (refused === 'tools') return rest.find((m) => m !== 'tool');
  return rest[0];
}

/**
 * What has been learnt about each endpoint+model in this process: the mode that works and
 * whether it must stream. Kept for the process lifetime; every change is logged once.
 */
export class EndpointMemory {
  private readonly modes = new Map<string, OutputMode>();
  private readonly streaming = new Set<string>();
  private readonly maxTokensParam = new Map<string, 'max_tokens' | 'max_completion_tokens'>();

  static key(baseURL: string | undefined, model: string): string {
    return `${baseURL ?? 'https://api.openai.com/v1'}#${model}`;
  }

  mode(key: string): OutputMode | undefined {
    return this.modes.get(key);
  }
  setMode(key: string, mode: OutputMode): void {
    this.modes.set(key, mode);
  }
  mustStream(key: string): boolean {
    return this.streaming.has(key);
  }
  setMustStream(key: string): void {
    this.streaming.add(key);
  }
  tokensParam(key: string): 'max_tokens' | 'max_completion_tokens' | undefined {
    return this.maxTokensParam.get(key);
  }
  setTokensParam(key: string, p: 'max_tokens' | 'max_completion_tokens'): void {
    this.maxTokensParam.set(key, p);
  }
  clear(): void {
    this.modes.clear();
    this.streaming.clear();
    this.maxTokensParam.clear();
  }
}

/** The process-wide memory (per endpoint+model, for the process lifetime). */
export const endpointMemory = new EndpointMemory();
