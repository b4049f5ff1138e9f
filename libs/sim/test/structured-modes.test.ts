import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FALLBACK_TEXT, normaliseStructured, startSimServer, type SimServerHandle } from '../src/index.ts';
import { client, tinyWorld } from './helpers.ts';

let sim: SimServerHandle;

beforeAll(async () => {
  sim = await startSimServer({ worlds: [tinyWorld] });
});
afterAll(async () => {
  await sim.close();
});

const PLANNER_SCHEMA = {
  type: 'object',
  properties: { thought: { type: 'string' }, operations: { type: 'array', items: { type: 'object' } } },
  required: ['thought', 'operations'],
};
const SYSTEM = `You are the Mission Commander. Answer with one JSON object named planner_output that fits this JSON schema:\n${JSON.stringify(PLANNER_SCHEMA)}`;
const USER = [
  '## Goal',
  'tiny: alpha, beta, gamma, delta, epsilon, zeta',
  '',
  '## Progress list',
  '(no tasks yet: make the plan)',
  '',
  '## Task table',
  '(empty)',
  '',
  '## New since your last step',
  '(nothing new)',
].join('\n');

type Msg = OpenAI.ChatCompletionMessageParam;
const messages = (system = SYSTEM, user = USER): Msg[] => [
  { role: 'system', content: system },
  { role: 'user', content: user },
];
const plannerTool = { type: 'function' as const, function: { name: 'planner_output', description: 'The planner step', parameters: PLANNER_SCHEMA } };

/** The four ways the runtime may ask for the planner's structured answer. */
const MODES = {
  json_schema: { model: 'sim', messages: messages(), response_format: { type: 'json_schema', json_schema: { name: 'planner_output', schema: PLANNER_SCHEMA } } },
  json_object: { model: 'sim', messages: messages(), response_format: { type: 'json_object' } },
  tool: { model: 'sim', messages: messages(), tools: [plannerTool], tool_choice: { type: 'function', function: { name: 'planner_output' } } },
  prompt: { model: 'sim', messages: messages() },
} satisfies Record<string, OpenAI.ChatCompletionCreateParamsNonStreaming>;

async function ask(body: OpenAI.ChatCompletionCreateParamsNonStreaming, quirks?: string) {
  const res = await client(sim.url).chat.completions.create(body, quirks ? { headers: { 'x-sim-quirk': quirks } } : {});
  const choice = res.choices[0];
  if (!choice) throw new Error('no choice');
  return choice;
}

/** The planner's answer to the canonical json_schema request: what every mode must deliver. */
let expected: { thought: string; operations: Array<Record<string, unknown>> };

beforeAll(async () => {
  expected = JSON.parse((await ask(MODES.json_schema)).message.content ?? '') as typeof expected;
});

describe("a structured ask in any output mode gets the world's planner answer", () => {
  it('json_schema: the planner plans one task per word in the content', () => {
    expect(expected.operations.length).toBe(6);
    expect(expected.operations.some((op) => op.op === 'add')).toBe(true);
  });

  it('json_object with the schema name in the system prompt: the same plan in the content', async () => {
    const choice = await ask(MODES.json_object);
    expect(choice.finish_reason).toBe('stop');
    expect(JSON.parse(choice.message.content ?? '')).toEqual(expected);
  });

  it('prompt only (no response_format, no tools): the same plan in the content', async () => {
    const choice = await ask(MODES.prompt);
    expect(JSON.parse(choice.message.content ?? '')).toEqual(expected);
  });

  it('forced tool: the plan as the arguments of a planner_output call, content null', async () => {
    const choice = await ask(MODES.tool);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.function.name).toBe('planner_output');
    expect(JSON.parse(call.function.arguments)).toEqual(expected);
  });

  it("tool_choice 'required' with the single planner_output tool: the same call", async () => {
    const choice = await ask({ ...MODES.tool, tool_choice: 'required' });
    const call = choice.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.function.name).toBe('planner_output');
    expect(JSON.parse(call.function.arguments)).toEqual(expected);
  });

  it('streams a tool-mode answer as tool-call deltas', async () => {
    const stream = await client(sim.url).chat.completions.create({ ...MODES.tool, stream: true });
    let args = '';
    let name = '';
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += tc.function?.name ?? '';
        args += tc.function?.arguments ?? '';
      }
    }
    expect(name).toBe('planner_output');
    expect(JSON.parse(args)).toEqual(expected);
  });

  it('answers the factory actor_spec ask through a forced tool and through the prompt alone', async () => {
    const user = '## Task\nBook seats on the trains from Tokyo to Kyoto on 2026-12-02\n\n## Bundles\n- trains: Train search and booking (tools: search_trains, book_train)\n- hotels: Hotels (tools: search_hotels)\n\n## Mission goal, for context\ntiny: trains';
    const system = 'You are the Actor Factory. Answer with JSON named actor_spec: persona and bundles.';
    const tool = { type: 'function' as const, function: { name: 'actor_spec', parameters: { type: 'object' } } };
    const viaTool = await ask({ model: 'sim', messages: messages(system, user), tools: [tool], tool_choice: { type: 'function', function: { name: 'actor_spec' } } });
    const call = viaTool.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(JSON.parse(call.function.arguments)).toMatchObject({ bundles: ['trains'] });
    const viaPrompt = await ask({ model: 'sim', messages: messages(system, user) });
    expect(JSON.parse(viaPrompt.message.content ?? '')).toEqual(JSON.parse(call.function.arguments));
  });
});

describe('requests that ask for no structured answer are left alone', () => {
  it('a request with its own tools is not taken for a prompt-mode ask, even when the prompt names planner_output', async () => {
    const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } };
    const choice = await ask({ model: 'sim', messages: messages(), tools: [weather], tool_choice: 'none' });
    expect(choice.message.content).toBe(FALLBACK_TEXT);
  });

  it('a plain request naming no structured answer gets the fallback text', async () => {
    const choice = await ask({ model: 'sim', messages: messages('You are helpful.', 'hello') });
    expect(choice.message.content).toBe(FALLBACK_TEXT);
  });

  it('takes the structured name the system prompt mentions last, where output instructions go', () => {
    const { structured } = normaliseStructured({
      model: 'sim',
      messages: [{ role: 'system', content: 'Tasks you dispatch get an actor_spec from the factory.\n\nAnswer with JSON (planner_output).' }, { role: 'user', content: 'x' }],
      response_format: { type: 'json_object' },
    });
    expect(structured).toEqual({ name: 'planner_output', mode: 'json_object' });
  });

  it('normaliseStructured keeps the tools out of the canonical form of a tool-mode ask', () => {
    const { req, structured } = normaliseStructured({
      model: 'sim',
      messages: [{ role: 'user', content: 'x' }],
      tools: [plannerTool],
      tool_choice: { type: 'function', function: { name: 'planner_output' } },
    });
    expect(structured).toEqual({ name: 'planner_output', mode: 'tool' });
    expect(req.tools).toBeUndefined();
    expect(req.tool_choice).toBeUndefined();
    expect(req.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'planner_output', schema: PLANNER_SCHEMA } });
  });
});

describe('quirks on structured asks', () => {
  it('text quirks shape the JSON content of the json_object and prompt modes', async () => {
    const fenced = await ask(MODES.json_object, 'fenced');
    expect(fenced.message.content).toBe(`\`\`\`json\n${JSON.stringify(expected)}\n\`\`\``);
    const prose = await ask(MODES.prompt, 'prose,think');
    expect(prose.message.content).toMatch(/^<think>[\s\S]+<\/think>\n\nSure! Here is the plan:\n\n\{/);
  });

  it('leaves tool-call arguments unwrapped by text quirks', async () => {
    const choice = await ask(MODES.tool, 'fenced,prose,trailing_comma');
    const call = choice.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(JSON.parse(call.function.arguments)).toEqual(expected);
  });

  it('length cuts a tool-mode plan inside its arguments; enough max_tokens gives it whole', async () => {
    const cut = await ask(MODES.tool, 'length');
    expect(cut.finish_reason).toBe('length');
    const call = cut.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(() => JSON.parse(call.function.arguments) as unknown).toThrow();
    expect(JSON.stringify(expected).startsWith(call.function.arguments)).toBe(true);
    const whole = await ask({ ...MODES.tool, max_tokens: 8000 }, 'length');
    expect(whole.finish_reason).toBe('tool_calls');
  });

  it('a client refused json_schema gets the same plan by asking with json_object', async () => {
    const refused = await client(sim.url).chat.completions.create(MODES.json_schema, { headers: { 'x-sim-quirk': 'no_json_schema' } }).then(
      () => undefined,
      (e: Error & { status?: number }) => e.status,
    );
    expect(refused).toBe(400);
    const choice = await ask(MODES.json_object, 'no_json_schema');
    expect(JSON.parse(choice.message.content ?? '')).toEqual(expected);
  });
});
