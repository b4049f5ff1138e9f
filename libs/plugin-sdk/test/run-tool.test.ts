import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { createMemoryToolContext, defineTool, PluginError, runTool, ToolError, type ToolContext } from '@aime/plugin-sdk';

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers.',
  input: z.object({ a: z.number(), b: z.number(), extra: z.object({ tags: z.array(z.string()) }).optional() }),
  sideEffects: 'none',
  run: ({ a, b }) => a + b,
});

/** A tool that never finishes on its own; it records the signal it was given. */
function hangingTool(seen: { signal?: AbortSignal }, timeoutMs?: number) {
  return defineTool({
    name: 'hang',
    description: 'Waits until aborted.',
    input: z.object({}),
    sideEffects: 'none',
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    run: (_input, ctx) => {
      seen.signal = ctx.signal;
      return new Promise<never>(() => undefined);
    },
  });
}

describe('runTool', () => {
  it('runs the tool with validated input', async () => {
    expect(await runTool(add, { a: 2, b: 3 }, createMemoryToolContext())).toEqual({ ok: true, output: 5 });
  });

  it('parses a JSON string of arguments as a model sends them', async () => {
    expect(await runTool(add, '{"a":1,"b":1}', createMemoryToolContext())).toEqual({ ok: true, output: 2 });
  });

  it('reports malformed JSON arguments as invalid_input', async () => {
    const result = await runTool(add, '{"a":1,', createMemoryToolContext());
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toMatch(/not valid JSON/);
  });

  it('lists every zod issue with its path on invalid input, without running the tool', async () => {
    let ran = false;
    const tool = { ...add, run: () => ((ran = true), 0) };
    const result = await runTool(tool, { a: 'two', extra: { tags: ['x', 3] } }, createMemoryToolContext());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.message).toContain('- a: ');
    expect(result.error.message).toContain('- b: ');
    expect(result.error.message).toContain('- extra.tags[1]: ');
    expect(ran).toBe(false);
  });

  it('stops a tool that runs past its timeout, aborting its signal with a ToolError code timeout', async () => {
    const seen: { signal?: AbortSignal } = {};
    const result = await runTool(hangingTool(seen, 20), {}, createMemoryToolContext());
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    expect(!result.ok && result.error.message).toMatch(/within 20 ms/);
    expect(seen.signal?.aborted).toBe(true);
    expect(seen.signal?.reason).toBeInstanceOf(ToolError);
    expect((seen.signal?.reason as ToolError).code).toBe('timeout');
  });

  it('returns aborted and aborts the tool signal when the caller aborts mid-run', async () => {
    const seen: { signal?: AbortSignal } = {};
    const controller = new AbortController();
    const ctx = createMemoryToolContext({ signal: controller.signal });
    const pending = runTool(hangingTool(seen), {}, ctx);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort('mission cancelled');
    const result = await pending;
    expect(result).toMatchObject({ ok: false, error: { code: 'aborted' } });
    expect(!result.ok && result.error.message).toContain('mission cancelled');
    expect(seen.signal?.aborted).toBe(true);
  });

  it('does not run the tool at all when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    const result = await runTool({ ...add, run: () => ((ran = true), 0) }, { a: 1, b: 2 }, createMemoryToolContext({ signal: controller.signal }));
    expect(result).toMatchObject({ ok: false, error: { code: 'aborted' } });
    expect(ran).toBe(false);
  });

  it('turns a thrown ToolError into tool_failed with its message, code and retryability', async () => {
    const tool = { ...add, run: () => { throw new ToolError('sold_out', 'The 09:00 Nozomi is sold out; search for a later train.', { retryable: false }); } };
    expect(await runTool(tool, { a: 1, b: 1 }, createMemoryToolContext())).toEqual({
      ok: false,
      error: { code: 'tool_failed', message: 'The 09:00 Nozomi is sold out; search for a later train.', retryable: false, toolCode: 'sold_out' },
    });
  });

  it('turns any other thrown error or rejection into tool_failed naming the tool', async () => {
    const tool = { ...add, run: async () => { throw new Error('connection refused'); } };
    const result = await runTool(tool, { a: 1, b: 1 }, createMemoryToolContext());
    expect(result).toEqual({ ok: false, error: { code: 'tool_failed', message: 'add failed: connection refused' } });
  });

  it('validates the output when an output schema is set', async () => {
    const tool = defineTool({ ...add, output: z.number().int().nonnegative() });
    expect(await runTool(tool, { a: 1, b: 2 }, createMemoryToolContext())).toEqual({ ok: true, output: 3 });
    const bad = await runTool(tool, { a: 1, b: -5 }, createMemoryToolContext());
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_output' } });
    expect(!bad.ok && bad.error.message).toMatch(/- \(input\): /);
  });

  it('stores an output over maxOutputChars as an artifact and returns a preview', async () => {
    const big = defineTool({ name: 'big', description: 'Big.', input: z.object({}), sideEffects: 'none', run: () => ({ rows: 'x'.repeat(500) }) });
    const ctx = createMemoryToolContext();
    const result = await runTool(big, {}, ctx, { maxOutputChars: 100 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const output = result.output as { truncated: boolean; preview: string; artifact: { uri: string } };
    expect(output.truncated).toBe(true);
    expect(output.preview.length).toBeLessThanOrEqual(50);
    expect(output.preview).toBe(JSON.stringify({ rows: 'x'.repeat(500) }).slice(0, output.preview.length));
    expect(ctx.storedArtifacts).toHaveLength(1);
    expect(ctx.storedArtifacts[0]?.content).toBe(JSON.stringify({ rows: 'x'.repeat(500) }));
    expect(ctx.storedArtifacts[0]?.ref.mimeType).toBe('application/json');
    expect(output.artifact.uri).toBe(ctx.storedArtifacts[0]?.ref.uri);
  });

  it('keeps an output at the default limit of 8000 characters inline', async () => {
    const exact = 'y'.repeat(8000 - 2);
    const tool = defineTool({ name: 'fits', description: 'Fits.', input: z.object({ more: z.boolean() }), sideEffects: 'none', run: ({ more }) => exact + (more ? 'z' : '') });
    const ctx = createMemoryToolContext();
    expect(await runTool(tool, { more: false }, ctx)).toEqual({ ok: true, output: exact });
    expect(ctx.storedArtifacts).toHaveLength(0);
    const over = await runTool(tool, { more: true }, ctx);
    expect(over.ok && (over.output as { truncated: boolean }).truncated).toBe(true);
  });

  it('reports an output that cannot become JSON as tool_failed', async () => {
    const tool = defineTool({ name: 'bigint', description: 'B.', input: z.object({}), sideEffects: 'none', run: () => ({ n: 1n }) });
    expect(await runTool(tool, {}, createMemoryToolContext())).toMatchObject({ ok: false, error: { code: 'tool_failed' } });
  });

  it('hands the tool the caller context (ids, idempotency key, mission, events)', async () => {
    let got: ToolContext | undefined;
    const tool = defineTool({ name: 'peek', description: 'P.', input: z.object({}), sideEffects: 'none', run: async (_i, ctx) => { got = ctx; await ctx.progress('half way'); return ctx.worldEvents(); } });
    const ctx = createMemoryToolContext({ idempotencyKey: 'k-1', mission: { goal: 'g', context: { x: 1 } }, events: [{ id: '1-0', message: 'hello' }] });
    expect(await runTool(tool, {}, ctx)).toEqual({ ok: true, output: [{ id: '1-0', message: 'hello' }] });
    expect(got).toMatchObject({ idempotencyKey: 'k-1', missionId: ctx.missionId, mission: { context: { x: 1 } } });
    expect(ctx.progressMessages).toEqual(['half way']);
  });

  it('throws a PluginError for a non-positive maxOutputChars', async () => {
    await expect(runTool(add, { a: 1, b: 1 }, createMemoryToolContext(), { maxOutputChars: 0 })).rejects.toBeInstanceOf(PluginError);
  });
});
