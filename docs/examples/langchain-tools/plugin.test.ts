import { describe, expect, it } from 'vitest';
import { checkToolCall, createMemoryToolContext, runTool } from '@aime/plugin-sdk';
import plugin from './plugin.ts';

const [bundle] = plugin.bundles;
const tool = (name: string) => bundle!.tools.find((t) => t.name === name)!;
const ids = { missionId: 'm1', taskId: 't1', actorId: 'a1' };

describe('LangChain tools in a plugin of your own', () => {
  it('serves them as one bundle with the options given in code', async () => {
    expect(plugin.name).toBe('travel-info');
    expect(bundle?.tools.map((t) => [t.name, t.sideEffects])).toEqual([
      ['get_forecast', 'none'],
      ['convert_currency', 'none'],
    ]);
    expect(await runTool(tool('get_forecast'), { city: 'Kyoto', days: 1 }, createMemoryToolContext())).toMatchObject({ ok: true, output: { city: 'Kyoto', forecast: [{ day: 1, sky: 'sunny' }] } });
  });

  it('asks an operator only for large conversions, and never for an invalid one', async () => {
    expect(await checkToolCall(tool('convert_currency'), { amount: 30_000, from: 'JPY', to: 'USD' }, ids)).toEqual({ ok: true, needsApproval: false });
    expect(await checkToolCall(tool('convert_currency'), { amount: 500_000, from: 'JPY', to: 'USD' }, ids)).toEqual({ ok: true, needsApproval: true });
    expect(await checkToolCall(tool('convert_currency'), { amount: 500_000, from: 'JPY', to: 'EUR' }, ids)).toMatchObject({ ok: false, result: { error: { code: 'invalid_input' } } });
    expect(await checkToolCall(tool('get_forecast'), { city: 'Kyoto' }, ids)).toEqual({ ok: true, needsApproval: false });
  });
});
