import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DynamicStructuredTool, tool } from '@langchain/core/tools';
import { checkToolCall, createMemoryToolContext, PluginError, runTool, toolInfo } from '@aime/plugin-sdk';
import { fromLangChainTool, fromLangChainToolkit } from '@aime/plugin-sdk/langchain';

const seen: Array<{ input: unknown; config: Record<string, unknown> }> = [];
const weather = tool(
  async (input, config) => {
    seen.push({ input, config: { configurable: config?.configurable, metadata: config?.metadata } });
    if (input.city === 'Atlantis') throw new Error('no station in Atlantis');
    return JSON.stringify({ city: input.city, days: input.days, forecast: 'sunny' });
  },
  {
    name: 'get_weather',
    description: 'The weather forecast of a city for the next days.',
    schema: z.object({ city: z.string().min(2).describe('City name'), days: z.number().int().min(1).max(7).default(1) }),
  },
);

const jsonSchemaTool = new DynamicStructuredTool({
  name: 'convert.currency',
  description: 'Converts an amount between currencies.',
  schema: {
    type: 'object',
    properties: { amount: { type: 'number', minimum: 0 }, from: { type: 'string', enum: ['JPY', 'KRW', 'USD'] }, to: { type: 'string', enum: ['JPY', 'KRW', 'USD'] } },
    required: ['amount', 'from', 'to'],
    additionalProperties: false,
  },
  func: async (input: Record<string, unknown>) => ({ amount: Number(input.amount) * 2, currency: input.to }),
});

describe('fromLangChainTool', () => {
  it('advertises a tool() with a zod schema as JSON Schema and runs it with the call context', async () => {
    const def = fromLangChainTool(weather, { sideEffects: 'none', timeoutMs: 5_000 });
    expect(toolInfo(def)).toEqual({
      name: 'get_weather',
      description: 'The weather forecast of a city for the next days.',
      inputSchema: expect.objectContaining({ type: 'object', required: ['city'], properties: expect.objectContaining({ city: expect.objectContaining({ type: 'string' }) }) }),
      sideEffects: 'none',
      requiresApproval: false,
    });
    const ctx = createMemoryToolContext({ idempotencyKey: 'idem-1' });
    const result = await runTool(def, '{"city":"Kyoto"}', ctx);
    expect(result).toEqual({ ok: true, output: '{"city":"Kyoto","days":1,"forecast":"sunny"}' });
    expect(seen.at(-1)).toEqual({ input: { city: 'Kyoto', days: 1 }, config: { configurable: { idempotencyKey: 'idem-1' }, metadata: { missionId: 'mission-test', taskId: 'task-test', actorId: 'actor-test' } } });
  });

  it('reports invalid arguments by field before the tool runs, and its errors as tool failures', async () => {
    const def = fromLangChainTool(weather, { sideEffects: 'none' });
    const before = seen.length;
    const bad = await runTool(def, { city: 'K', days: 9 }, createMemoryToolContext());
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/- city: .*\n- days: /);
    expect(seen.length).toBe(before);
    const failed = await runTool(def, { city: 'Atlantis' }, createMemoryToolContext());
    expect(failed).toEqual({ ok: false, error: { code: 'tool_failed', message: 'get_weather failed: no station in Atlantis', retryable: false, toolCode: 'langchain_tool_failed' } });
  });

  it('takes a JSON Schema tool as written, validates against it and renames what models cannot call', async () => {
    const def = fromLangChainTool(jsonSchemaTool, { idempotent: true });
    expect(def.name).toBe('convert_currency');
    expect(def.sideEffects).toBe('idempotent');
    expect(toolInfo(def).inputSchema).toEqual(jsonSchemaTool.schema);
    expect(await runTool(def, { amount: 100, from: 'JPY', to: 'USD' }, createMemoryToolContext())).toEqual({ ok: true, output: { amount: 200, currency: 'USD' } });
    const bad = await runTool(def, { amount: -1, from: 'JPY', to: 'EUR' }, createMemoryToolContext());
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(bad.ok ? '' : bad.error.message).toContain('- amount:');
    expect(bad.ok ? '' : bad.error.message).toContain('- to:');
  });

  it('stops a tool that outlives its timeout', async () => {
    const slow = tool(async () => new Promise((resolve) => setTimeout(() => resolve('late'), 2_000)), { name: 'slow', description: 'Takes its time.', schema: z.object({}) });
    const result = await runTool(fromLangChainTool(slow, { timeoutMs: 50 }), {}, createMemoryToolContext());
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
  });

  it('asks for approval only when the predicate says so, and never for invalid arguments', async () => {
    const def = fromLangChainTool(weather, { sideEffects: 'external', requiresApproval: (input) => input.city === 'Pyongyang' });
    const ids = { missionId: 'm', taskId: 't', actorId: 'a' };
    expect(toolInfo(def).requiresApproval).toBe(true);
    expect(await checkToolCall(def, { city: 'Kyoto' }, ids)).toEqual({ ok: true, needsApproval: false });
    expect(await checkToolCall(def, { city: 'Pyongyang' }, ids)).toEqual({ ok: true, needsApproval: true });
    expect(await checkToolCall(def, { city: '' }, ids)).toMatchObject({ ok: false, result: { ok: false, error: { code: 'invalid_input' } } });
  });

  it('refuses a tool whose schema is not an object', () => {
    const stringy = new DynamicStructuredTool({ name: 'echo', description: 'Echo.', schema: { type: 'string' }, func: async (s: unknown) => String(s) });
    expect(() => fromLangChainTool(stringy as never)).toThrow(/must describe an object/);
  });
});

describe('fromLangChainToolkit', () => {
  it('makes one bundle with defaults and per-tool overrides', () => {
    const bundle = fromLangChainToolkit({ getTools: () => [weather, jsonSchemaTool] }, {
      bundle: 'travel-extras',
      description: 'Weather and currency from LangChain tools.',
      sideEffects: 'none',
      tools: { 'convert.currency': { requiresApproval: true, timeoutMs: 1_000 } },
    });
    expect(bundle.name).toBe('travel-extras');
    expect(bundle.tools.map((t) => [t.name, t.sideEffects, t.requiresApproval ?? false, t.timeoutMs])).toEqual([
      ['get_weather', 'none', false, undefined],
      ['convert_currency', 'none', true, 1_000],
    ]);
  });

  it('names an override for a tool the toolkit does not have', () => {
    expect(() => fromLangChainToolkit([weather], { bundle: 'w', description: 'Weather.', tools: { get_wether: { requiresApproval: true } } })).toThrow(PluginError);
    expect(() => fromLangChainToolkit([weather], { bundle: 'w', description: 'Weather.', tools: { get_wether: {} } })).toThrow(/get_wether \(it has get_weather\)/);
  });
});
