import { afterAll, describe, expect, it } from 'vitest';
import { closeToolWorkers, createMemoryToolContext, runTool, type ToolResult } from '@aime/plugin-sdk';
import { createBuiltinPlugin, DISABLED_FUNCTIONS } from '@aime/plugin-builtin';
import { toolOf } from './helpers.ts';

const evaluate = (expression: string) => runTool(toolOf(createBuiltinPlugin(), 'evaluate'), { expression }, createMemoryToolContext());

function failed(result: ToolResult): { toolCode?: string; message: string } {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

afterAll(() => closeToolWorkers());

describe('evaluate', () => {
  it('computes arithmetic, functions and statistics as one number', async () => {
    expect(await evaluate('(129000 + 2 * 14170) / 3')).toMatchObject({ ok: true, output: { result: 52446.666666666664 } });
    expect(await evaluate('mean(3, 5, 10)')).toMatchObject({ ok: true, output: { result: 6 } });
    expect(await evaluate('sqrt(16) + 2^3')).toMatchObject({ ok: true, output: { result: 12 } });
  });

  it('converts units and says which unit the number is in', async () => {
    const result = await evaluate('5 km to m');
    expect(result).toMatchObject({ ok: true, output: { result: 5000, unit: 'm' } });
  });

  it('keeps variables within one call', async () => {
    expect(await evaluate('a = 5; b = a * 2; a + b')).toMatchObject({ ok: true, output: { result: 15 } });
    expect(failed(await evaluate('a + 1')).toolCode).toBe('math_error');
  });

  it.each(DISABLED_FUNCTIONS.filter((f) => !['random', 'pickRandom'].includes(f)))('disables %s', async (name) => {
    const args = name === 'pickRandom' ? '[1, 2]' : name === 'createUnit' ? '"foo"' : '1';
    const error = failed(await evaluate(`${name}(${args})`));
    expect(error.toolCode).toBe('math_function_disabled');
    expect(error.message).toContain(name);
  });

  it('disables random numbers (results must be reproducible)', async () => {
    expect(failed(await evaluate('random()')).toolCode).toBe('math_function_disabled');
    expect(failed(await evaluate('pickRandom([1, 2])')).toolCode).toBe('math_function_disabled');
  });

  it('refuses ranges and function definitions before evaluating anything', async () => {
    expect(failed(await evaluate('sum(1:100000000)')).toolCode).toBe('math_refused');
    expect(failed(await evaluate('f(x) = f(x); f(1)')).toolCode).toBe('math_refused');
  });

  it('does not reach JavaScript through the expression', async () => {
    for (const expr of ['cos.constructor("return process")()', '[].map.constructor("return 1")()', 'f = typeOf; f.constructor("return 1")()']) {
      const error = failed(await evaluate(expr));
      expect(error.toolCode, expr).toMatch(/^math_/);
    }
  });

  it('explains non-numeric results and syntax errors', async () => {
    expect(failed(await evaluate('[1, 2] + 1')).message).toContain('a matrix');
    expect(failed(await evaluate('sqrt(-4)')).message).toContain('complex');
    expect(failed(await evaluate('2 +* 3')).toolCode).toBe('math_syntax');
    expect(failed(await evaluate('1'.repeat(1001))).toolCode).toBe('math_too_long');
  });
});
