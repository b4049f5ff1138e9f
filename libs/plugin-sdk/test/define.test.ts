import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { defineBundle, definePlugin, defineTool, PluginError, type ToolDefinition } from '@aime/plugin-sdk';

const echo = defineTool({
  name: 'echo',
  description: 'Echoes the text back.',
  input: z.object({ text: z.string() }),
  sideEffects: 'none',
  run: ({ text }) => text,
});

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PluginError);
    return { code: (err as PluginError).code, message: (err as PluginError).message };
  }
  throw new Error('expected a PluginError');
}

describe('defineTool', () => {
  it('returns a valid definition unchanged', () => {
    const def = { name: 'echo_2', description: 'd', input: z.object({}), sideEffects: 'none' as const, run: () => 1 };
    expect(defineTool(def)).toBe(def);
  });

  it('rejects names outside [a-zA-Z0-9_-]{1,64} and quotes the bad name', () => {
    const bad = codeOf(() => defineTool({ ...echo, name: 'Book Train' }));
    expect(bad.code).toBe('invalid_tool');
    expect(bad.message).toContain('"Book Train"');
    expect(codeOf(() => defineTool({ ...echo, name: 'x'.repeat(65) })).code).toBe('invalid_tool');
    expect(codeOf(() => defineTool({ ...echo, name: '' })).code).toBe('invalid_tool');
  });

  it('rejects an empty or blank description', () => {
    const bad = codeOf(() => defineTool({ ...echo, description: '   ' }));
    expect(bad.code).toBe('invalid_tool');
    expect(bad.message).toMatch(/tool "echo": description/);
  });

  it('rejects an input that is not a zod object schema', () => {
    expect(codeOf(() => defineTool({ ...echo, input: z.string() } as unknown as ToolDefinition)).message).toMatch(/must be a z\.object/);
    expect(codeOf(() => defineTool({ ...echo, input: { type: 'object' } as unknown as z.ZodType })).message).toMatch(/zod schema/);
  });

  it('rejects unknown sideEffects, bad timeouts, non-function run', () => {
    expect(codeOf(() => defineTool({ ...echo, sideEffects: 'maybe' as 'none' })).message).toMatch(/sideEffects must be one of none, idempotent, external/);
    expect(codeOf(() => defineTool({ ...echo, timeoutMs: 0 })).message).toMatch(/timeoutMs must be an integer/);
    expect(codeOf(() => defineTool({ ...echo, timeoutMs: 1.5 })).code).toBe('invalid_tool');
    expect(codeOf(() => defineTool({ ...echo, run: 'nope' as unknown as ToolDefinition['run'] })).message).toMatch(/run must be a function/);
  });

  it('types the run input from the schema', () => {
    const tool = defineTool({
      name: 'typed',
      description: 'd',
      input: z.object({ n: z.number().default(2) }),
      sideEffects: 'none',
      run: (input) => input.n * 2,
    });
    expect(tool.run({ n: 3 }, undefined as never)).toBe(6);
  });
});

describe('defineBundle', () => {
  it('rejects two tools with the same name', () => {
    const bad = codeOf(() => defineBundle({ name: 'b', description: 'd', tools: [echo, { ...echo }] }));
    expect(bad.code).toBe('duplicate_tool');
    expect(bad.message).toContain('"echo"');
  });

  it('rejects an empty bundle and validates tools not made with defineTool', () => {
    expect(codeOf(() => defineBundle({ name: 'b', description: 'd', tools: [] })).code).toBe('invalid_bundle');
    expect(codeOf(() => defineBundle({ name: 'b', description: 'd', tools: [{ ...echo, name: 'no spaces' }] })).code).toBe('invalid_tool');
  });

  it('accepts distinct tools', () => {
    const bundle = defineBundle({ name: 'b', description: 'd', tools: [echo, { ...echo, name: 'echo2' }] });
    expect(bundle.tools.map((t) => t.name)).toEqual(['echo', 'echo2']);
  });
});

describe('definePlugin', () => {
  const bundle = defineBundle({ name: 'words', description: 'Word tools.', tools: [echo] });

  it('rejects the same tool name in two bundles of one plugin', () => {
    const other = defineBundle({ name: 'more', description: 'More.', tools: [echo] });
    const bad = codeOf(() => definePlugin({ name: 'p', version: '1.0.0', bundles: [bundle, other] }));
    expect(bad.code).toBe('duplicate_tool');
    expect(bad.message).toContain('bundle "words" and bundle "more"');
  });

  it('rejects duplicate bundles, a missing version and a non-function setup', () => {
    expect(codeOf(() => definePlugin({ name: 'p', version: '1', bundles: [bundle, bundle] })).code).toBe('duplicate_bundle');
    expect(codeOf(() => definePlugin({ name: 'p', version: '', bundles: [bundle] })).code).toBe('invalid_plugin');
    expect(codeOf(() => definePlugin({ name: 'p', version: '1', bundles: [bundle], setup: 5 as never })).code).toBe('invalid_plugin');
  });

  it('accepts a well-formed plugin', () => {
    const plugin = definePlugin({ name: 'p', version: '0.1.0', bundles: [bundle], setup: () => undefined });
    expect(plugin.bundles).toHaveLength(1);
  });
});
