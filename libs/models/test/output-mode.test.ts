import { describe, expect, it } from 'vitest';
import { EndpointMemory, nextMode, OUTPUT_MODES, unsupportedFeature, type Unsupported } from '../src/index.ts';

/** An error shaped like the openai SDK's APIError: status, param, and the body's `error` object. */
function apiError(status: number, message: string, body: { param?: string | null; type?: string; code?: string | number | null } = {}): Error {
  return Object.assign(new Error(`${status} ${message}`), {
    status,
    ...(body.param !== undefined ? { param: body.param } : {}),
    error: { message, type: body.type ?? 'invalid_request_error', param: body.param ?? null, code: body.code ?? null },
  });
}

/** 400/422s real servers send when they refuse a way of asking, and what each refuses. */
const REFUSALS: Array<[server: string, err: Error, refused: Unsupported]> = [
  [
    'OpenAI: json_schema on a model without structured outputs',
    apiError(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", { param: 'response_format', code: 'invalid_parameter' }),
    'response_format',
  ],
  ['vLLM: guided decoding backend', apiError(400, 'guided_json is not supported by the selected guided decoding backend', { type: 'BadRequestError', code: 400 }), 'response_format'],
  ['vLLM: response_format not supported', apiError(400, 'response_format type json_schema is not supported for this model', { type: 'BadRequestError', code: 400 }), 'response_format'],
  ['llama.cpp server: json_schema', apiError(400, 'response_format type json_schema not supported', { code: 400 }), 'response_format'],
  ['Azure OpenAI: json_schema on an old api-version', apiError(400, 'response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later', { code: 'BadRequest' }), 'response_format'],
  // LM Studio answers this to a json_object request: it names json_schema as what it *does*
  // take. It still refuses our response_format, so the next mode down (tool) is right; going
  // back up to json_schema is not nextMode's job (the configured/learnt mode was below it).
  ['LM Studio: json_object refused', apiError(400, '"response_format.type" must be "json_schema" or "text"'), 'response_format'],
  ['Ollama: model without tools', apiError(400, 'registry.ollama.ai/library/gemma2:2b does not support tools', { type: 'api_error' }), 'tools'],
  ['Azure OpenAI: tools', apiError(400, 'tools is not supported in this model. For a list of supported models, refer to https://aka.ms/oai/models', { code: 'BadRequest' }), 'tools'],
  ['OpenRouter: no provider with tool use (as a 400)', apiError(400, 'No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/provider-routing'), 'tools'],
  ['vLLM: auto tool choice not enabled', apiError(400, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', { type: 'BadRequestError' }), 'tools'],
  ['llama.cpp server: tools without --jinja', apiError(400, 'tools param requires --jinja flag'), 'tools'],
  ['a 422 validation error naming tools (TGI-style)', apiError(422, 'Input validation error: `tools` is not supported by this model'), 'tools'],
  ['the sim and gateways: param stream', apiError(400, 'this model only answers streaming requests: set stream to true', { param: 'stream', code: 'unsupported_value' }), 'stream_required'],
  ['DashScope (QwQ): stream mode only', apiError(400, 'This model only support stream mode, please enable the stream parameter to access the model.'), 'stream_required'],
  [
    'OpenAI o-series: max_tokens',
    apiError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", { param: 'max_tokens', code: 'unsupported_parameter' }),
    'max_tokens',
  ],
];

/** Errors that asking another way does not solve. */
const NOT_REFUSALS: Array<[what: string, err: unknown]> = [
  ['a 401 (bad key)', apiError(401, 'Incorrect API key provided: sk-abc. You can find your API key at https://platform.openai.com/account/api-keys.', { code: 'invalid_api_key' })],
  ['a 429 (rate limit)', apiError(429, 'Rate limit reached for gpt-4o-mini in organization org-x on tokens per min (TPM): Limit 200000.', { type: 'tokens', code: 'rate_limit_exceeded' })],
  ['a 500 even naming tools', apiError(500, 'The server had an error while parsing the tools output', { type: 'server_error' })],
  [
    'a 400 about the prompt length (OpenAI)',
    apiError(400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 130012 tokens. Please reduce the length of the messages.", { param: 'messages', code: 'context_length_exceeded' }),
  ],
  [
    'a 400 about the prompt length counting functions',
    apiError(400, "This model's maximum context length is 16385 tokens. However, your messages resulted in 17000 tokens (16500 in the messages, 500 in the functions). Please reduce the length of the messages or functions.", { param: 'messages' }),
  ],
  [
    'a 400 about the prompt length (older vLLM)',
    apiError(400, "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.", { type: 'BadRequestError' }),
  ],
  ['a 400 from Ollama about thinking', apiError(400, '"gemma3:4b" does not support thinking')],
  ['a 404 for an unknown model', apiError(404, 'The model `gpt-9` does not exist or you do not have access to it.', { code: 'model_not_found' })],
  ['an error without a status (connection reset)', new Error('read ECONNRESET')],
  ['a thrown string', 'response_format not supported'],
];

describe('unsupportedFeature reads what a real server refused', () => {
  it.each(REFUSALS)('%s', (_server, err, refused) => {
    expect(unsupportedFeature(err)).toBe(refused);
  });

  it('reads the status of a fetch-style error from response.status', () => {
    const err = Object.assign(new Error('tools are not supported by this model'), { response: { status: 400 } });
    expect(unsupportedFeature(err)).toBe('tools');
  });

  it('reads the param from the error body when the error has none of its own', () => {
    const err = Object.assign(new Error('400 Unsupported value'), { status: 400, error: { param: 'response_format', message: 'Unsupported value' } });
    expect(unsupportedFeature(err)).toBe('response_format');
  });
});

describe('unsupportedFeature leaves other errors alone', () => {
  it.each(NOT_REFUSALS)('%s', (_what, err) => {
    expect(unsupportedFeature(err)).toBeUndefined();
  });
});

describe('nextMode', () => {
  it('steps down the list one mode at a time on a response_format refusal', () => {
    expect(OUTPUT_MODES).toEqual(['json_schema', 'json_object', 'tool', 'prompt']);
    expect(nextMode('json_schema', 'response_format')).toBe('json_object');
    expect(nextMode('json_object', 'response_format')).toBe('tool');
    expect(nextMode('tool', 'response_format')).toBe('prompt');
    expect(nextMode('prompt', 'response_format')).toBeUndefined();
  });

  it('skips tool mode when the server refuses tools', () => {
    expect(nextMode('json_object', 'tools')).toBe('prompt');
    expect(nextMode('tool', 'tools')).toBe('prompt');
    expect(nextMode('prompt', 'tools')).toBeUndefined();
  });
});

describe('EndpointMemory', () => {
  it('keys by base URL and model, the OpenAI URL when none is set', () => {
    expect(EndpointMemory.key(undefined, 'gpt-4o')).toBe('https://api.openai.com/v1#gpt-4o');
    expect(EndpointMemory.key('http://127.0.0.1:11434/v1', 'llama3.1:8b')).toBe('http://127.0.0.1:11434/v1#llama3.1:8b');
  });

  it('remembers mode, streaming and the max-tokens parameter per key until cleared', () => {
    const m = new EndpointMemory();
    const a = EndpointMemory.key('http://a/v1', 'm');
    const b = EndpointMemory.key('http://b/v1', 'm');
    m.setMode(a, 'tool');
    m.setMustStream(a);
    m.setTokensParam(a, 'max_completion_tokens');
    expect([m.mode(a), m.mustStream(a), m.tokensParam(a)]).toEqual(['tool', true, 'max_completion_tokens']);
    expect([m.mode(b), m.mustStream(b), m.tokensParam(b)]).toEqual([undefined, false, undefined]);
    m.clear();
    expect([m.mode(a), m.mustStream(a), m.tokensParam(a)]).toEqual([undefined, false, undefined]);
  });
});
