import { describe, expect, it } from 'vitest';
import { extractJson, unsupportedFeature } from '../src/index.ts';

const apiError = (status: number, message: string, param: string | null = null) =>
  Object.assign(new Error(`${status} ${message}`), { status, param, error: { message, param, type: 'invalid_request_error', code: status } });

/** Real provider answers that were once misread: each guards a fix in output-mode.ts or extract-json.ts. */
describe('provider answers once misread', () => {
  it('OpenRouter: its real 404 "No endpoints found that support tool use" is a tools refusal', () => {
    expect(unsupportedFeature(apiError(404, 'No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing'))).toBe('tools');
  });
  it('OpenAI: a malformed conversation (tool messages missing) is not a tools refusal', () => {
    expect(unsupportedFeature(apiError(400, "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_abc", 'messages'))).toBeUndefined();
  });
  it('OpenAI: a refusal of streaming is not stream_required', () => {
    expect(unsupportedFeature(apiError(400, "Unsupported value: 'stream' does not support true with this model. Supported values are: false.", 'stream'))).toBeUndefined();
  });
  it('vLLM: max_tokens too large for the context left is about prompt length, not the max_tokens parameter', () => {
    expect(unsupportedFeature(apiError(400, "'max_tokens' or 'max_completion_tokens' is too large: 4096. This model's maximum context length is 8192 tokens and your request has 6000 input tokens (4096 > 8192 - 6000)."))).toBeUndefined();
  });
  it('extractJson: the longest object is taken even when it needs a repair', () => {
    expect(extractJson('Example format: {"a": 1}\nAnswer: {"a": 1, "b": 2,}')).toEqual({ ok: true, value: { a: 1, b: 2 }, repaired: true });
  });
  it('extractJson: JSON encoded twice as a string is read', () => {
    expect(extractJson(JSON.stringify(JSON.stringify({ thought: 't', operations: [] })))).toMatchObject({ ok: true, value: { thought: 't', operations: [] } });
  });
});
