import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServerHandle } from '../src/index.ts';
import { client, testPolicies, weatherTool } from './helpers.ts';

let sim: SimServerHandle;

beforeAll(async () => {
  sim = await startSimServer({ policies: testPolicies });
});
afterAll(async () => {
  await sim.close();
});

/** The trip policy answers `{"city":"Kyoto","days":2,"note":<first 20 chars of the user text>}`. */
const tripBody = {
  model: 'sim',
  messages: [{ role: 'user' as const, content: 'plan Kyoto' }],
  response_format: { type: 'json_schema' as const, json_schema: { name: 'trip', schema: { type: 'object' } } },
};
const TRIP = { city: 'Kyoto', days: 2, note: 'plan Kyoto' };
const echoBody = { model: 'sim', messages: [{ role: 'user' as const, content: 'echo: hello' }] };
const weatherBody = { model: 'sim', messages: [{ role: 'user' as const, content: 'weather in Kyoto?' }], tools: [weatherTool] };

const quirk = (list: string) => ({ headers: { 'x-sim-quirk': list } });

async function complete(body: OpenAI.ChatCompletionCreateParamsNonStreaming, list?: string) {
  const res = await client(sim.url).chat.completions.create(body, list ? quirk(list) : {});
  const choice = res.choices[0];
  if (!choice) throw new Error('no choice');
  return { res, choice, message: choice.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string } };
}

/** Reads a streamed answer back into its parts, as a client assembling deltas does. */
async function streamed(body: Omit<OpenAI.ChatCompletionCreateParamsStreaming, 'stream'>, list: string) {
  const stream = await client(sim.url).chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, quirk(list));
  let content = '';
  let reasoning = '';
  let args = '';
  let finish: string | null = null;
  let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    const choice = chunk.choices[0];
    const delta = choice?.delta as (OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }) | undefined;
    content += delta?.content ?? '';
    reasoning += delta?.reasoning_content ?? '';
    for (const tc of delta?.tool_calls ?? []) args += tc.function?.arguments ?? '';
    if (choice?.finish_reason) finish = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  return { content, reasoning, args, finish, usage, chunks };
}

describe('text quirks shape a JSON answer the way providers do', () => {
  it('fenced wraps the JSON answer in a ```json fence, and leaves plain text alone', async () => {
    const { message } = await complete(tripBody, 'fenced');
    expect(message.content).toBe(`\`\`\`json\n${JSON.stringify(TRIP)}\n\`\`\``);
    expect((await complete(echoBody, 'fenced')).message.content).toBe('You said: hello');
  });

  it('fenced streams the fenced text in several chunks', async () => {
    const out = await streamed(tripBody, 'fenced');
    expect(out.content).toBe(`\`\`\`json\n${JSON.stringify(TRIP)}\n\`\`\``);
    expect(out.chunks).toBeGreaterThan(4);
    expect(out.finish).toBe('stop');
  });

  it('prose puts a sentence before and after the JSON', async () => {
    const { message } = await complete(tripBody, 'prose');
    expect(message.content).toBe(`Sure! Here is the plan:\n\n${JSON.stringify(TRIP)}\n\nLet me know if you want changes.`);
  });

  it('think puts a <think> block before a JSON answer and before a plain text answer', async () => {
    const json = (await complete(tripBody, 'think')).message.content ?? '';
    expect(json).toMatch(/^<think>\n[^<]+\n<\/think>\n\n/);
    expect(JSON.parse(json.replace(/^<think>[\s\S]*<\/think>\n\n/, ''))).toEqual(TRIP);
    const text = (await complete(echoBody, 'think')).message.content ?? '';
    expect(text).toMatch(/^<think>\n[\s\S]+<\/think>\n\nYou said: hello$/);
  });

  it('think streams the reasoning block as part of the content', async () => {
    const out = await streamed(tripBody, 'think');
    expect(out.content.startsWith('<think>\n')).toBe(true);
    expect(out.content.endsWith(`</think>\n\n${JSON.stringify(TRIP)}`)).toBe(true);
  });

  it('reasoning_field sends reasoning_content beside unchanged content', async () => {
    const { message } = await complete(tripBody, 'reasoning_field');
    expect(message.reasoning_content).toEqual(expect.stringMatching(/\w+/));
    expect(JSON.parse(message.content ?? '')).toEqual(TRIP);
  });

  it('reasoning_field streams reasoning_content deltas before the content', async () => {
    const out = await streamed(tripBody, 'reasoning_field');
    expect(out.reasoning.length).toBeGreaterThan(20);
    expect(JSON.parse(out.content)).toEqual(TRIP);
  });

  it('trailing_comma leaves a comma before the last closing bracket, otherwise valid JSON', async () => {
    const text = (await complete(tripBody, 'trailing_comma')).message.content ?? '';
    expect(() => JSON.parse(text)).toThrow();
    expect(text.endsWith(',}')).toBe(true);
    expect(JSON.parse(text.replace(/,\s*([}\]])/g, '$1'))).toEqual(TRIP);
  });

  it('applies several text quirks together in provider order: comma, fence, prose, think', async () => {
    const text = (await complete(tripBody, 'think,prose,fenced,trailing_comma')).message.content ?? '';
    const json = JSON.stringify(TRIP).replace(/}$/, ',}');
    expect(text).toMatch(/^<think>\n[\s\S]+<\/think>\n\n/);
    expect(text.endsWith(`Sure! Here is the plan:\n\n\`\`\`json\n${json}\n\`\`\`\n\nLet me know if you want changes.`)).toBe(true);
  });
});

describe('length cuts an answer at the token limit', () => {
  it('cuts a JSON answer over max_tokens and says finish_reason length', async () => {
    const { choice } = await complete({ ...tripBody, max_tokens: 5 }, 'length');
    expect(choice.finish_reason).toBe('length');
    expect(choice.message.content).toBe(JSON.stringify(TRIP).slice(0, 20));
  });

  it('gives the full answer when the request allows enough tokens (a retry with more succeeds)', async () => {
    const { choice } = await complete({ ...tripBody, max_tokens: 500 }, 'length');
    expect(choice.finish_reason).toBe('stop');
    expect(JSON.parse(choice.message.content ?? '')).toEqual(TRIP);
    const newer = await complete({ ...tripBody, max_completion_tokens: 500 }, 'length');
    expect(newer.choice.finish_reason).toBe('stop');
  });

  it('uses the quirk limit when the request sets no max tokens (64 by default)', async () => {
    const long = { model: 'sim', messages: [{ role: 'user' as const, content: `echo: ${'x'.repeat(400)}` }] };
    const byDefault = await complete(long, 'length');
    expect(byDefault.choice.finish_reason).toBe('length');
    expect(byDefault.message.content).toHaveLength(64 * 4);
    expect(byDefault.res.usage?.completion_tokens).toBe(64);
    const set = await complete(tripBody, 'length;limit=3');
    expect(set.message.content).toBe(JSON.stringify(TRIP).slice(0, 12));
  });

  it('cuts the arguments of a tool call', async () => {
    const full = (await complete(weatherBody)).message.tool_calls?.[0];
    const { choice } = await complete({ ...weatherBody, max_tokens: 10 }, 'length');
    const call = choice.message.tool_calls?.[0];
    if (full?.type !== 'function' || call?.type !== 'function') throw new Error('expected function tool calls');
    expect(choice.finish_reason).toBe('length');
    expect(call.function.name).toBe('get_weather');
    expect(call.function.arguments.length).toBeLessThan(full.function.arguments.length);
    expect(full.function.arguments.startsWith(call.function.arguments)).toBe(true);
  });

  it('streams the cut answer with finish_reason length', async () => {
    const out = await streamed({ ...tripBody, max_tokens: 5 }, 'length');
    expect(out.finish).toBe('length');
    expect(out.content).toBe(JSON.stringify(TRIP).slice(0, 20));
  });
});

async function rejection(body: OpenAI.ChatCompletionCreateParamsNonStreaming, list: string) {
  const err: unknown = await client(sim.url).chat.completions.create(body, quirk(list)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected a rejected request');
  return err as Error & { status?: number; param?: string | null; type?: string };
}

describe('unsupported request features get a 400 like llama.cpp, vLLM or LM Studio give', () => {
  it("no_json_schema refuses response_format json_schema, naming the param", async () => {
    const err = await rejection(tripBody, 'no_json_schema');
    expect(err.status).toBe(400);
    expect(err.param).toBe('response_format');
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toContain("response_format type 'json_schema' is not supported by this model");
    const jsonObject = await complete({ ...echoBody, response_format: { type: 'json_object' } }, 'no_json_schema');
    expect(jsonObject.choice.finish_reason).toBe('stop');
  });

  it('no_json_object refuses response_format json_object and accepts json_schema', async () => {
    const err = await rejection({ ...echoBody, response_format: { type: 'json_object' } }, 'no_json_object');
    expect(err.status).toBe(400);
    expect(err.param).toBe('response_format');
    expect(err.message).toContain("response_format type 'json_object' is not supported by this model");
    expect(JSON.parse((await complete(tripBody, 'no_json_object')).message.content ?? '')).toEqual(TRIP);
  });

  it('no_tools refuses a request that carries tools and answers one without', async () => {
    const err = await rejection(weatherBody, 'no_tools');
    expect(err.status).toBe(400);
    expect(err.param).toBe('tools');
    expect(err.message).toContain('tools are not supported by this model');
    expect((await complete(echoBody, 'no_tools')).message.content).toBe('You said: hello');
  });

  it('stream_only refuses a non-streaming request and answers a streaming one', async () => {
    const err = await rejection(echoBody, 'stream_only');
    expect(err.status).toBe(400);
    expect(err.param).toBe('stream');
    expect(err.message).toContain('this model only supports streaming (stream=true)');
    expect((await streamed(echoBody, 'stream_only')).content).toBe('You said: hello');
  });
});

describe('usage quirks report what providers report', () => {
  it('cached_usage reports a share of the prompt tokens as cached, prompt_tokens unchanged', async () => {
    const plain = await complete(echoBody);
    const { res } = await complete(echoBody, 'cached_usage;share=0.8');
    const prompt = plain.res.usage?.prompt_tokens ?? 0;
    expect(res.usage?.prompt_tokens).toBe(prompt);
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(Math.floor(prompt * 0.8));
    const half = await complete(echoBody, 'cached_usage');
    expect(half.res.usage?.prompt_tokens_details?.cached_tokens).toBe(Math.floor(prompt * 0.5));
  });

  it('reasoning_usage adds reasoning tokens into completion and total', async () => {
    const plain = (await complete(echoBody)).res.usage;
    const usage = (await complete(echoBody, 'reasoning_usage;tokens=40')).res.usage;
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(40);
    expect(usage?.completion_tokens).toBe((plain?.completion_tokens ?? 0) + 40);
    expect(usage?.total_tokens).toBe((plain?.total_tokens ?? 0) + 40);
    const byDefault = (await complete(echoBody, 'reasoning_usage')).res.usage;
    expect(byDefault?.completion_tokens_details?.reasoning_tokens).toBe(32);
  });

  it('provider_cost reports the cost in USD from the total tokens', async () => {
    const usage = (await complete(echoBody, 'provider_cost;per1m=2')).res.usage as OpenAI.CompletionUsage & { cost?: number };
    expect(usage.cost).toBeCloseTo((usage.total_tokens * 2) / 1e6, 12);
    const byDefault = (await complete(echoBody, 'provider_cost')).res.usage as OpenAI.CompletionUsage & { cost?: number };
    expect(byDefault.cost).toBeCloseTo(byDefault.total_tokens / 1e6, 12);
  });

  it('streams every usage detail in the final usage chunk', async () => {
    const out = await streamed(echoBody, 'cached_usage;share=0.5,reasoning_usage;tokens=10,provider_cost;per1m=3');
    const usage = out.usage;
    if (!usage) throw new Error('expected a usage chunk');
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(Math.floor(usage.prompt_tokens * 0.5));
    expect(usage.completion_tokens_details?.reasoning_tokens).toBe(10);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.cost).toBeCloseTo((usage.total_tokens * 3) / 1e6, 12);
  });
});
