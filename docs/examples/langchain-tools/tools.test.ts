import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { toolInfo } from '@aime/plugin-sdk';
import langchain from '@aime/plugin-sdk/langchain';
import { setupPluginForTest, type PluginTestHarness } from '@aime/plugin-sdk/testing';

const here = fileURLToPath(new URL('.', import.meta.url));
let h: PluginTestHarness | undefined;
afterEach(() => h?.close());

describe('LangChain tools loaded from aime.config.json', () => {
  it('serves them as one bundle with the options of the config entry', async () => {
    const config = JSON.parse(await readFile(`${here}aime.config.json`, 'utf8')) as { plugins: Array<{ config: Record<string, unknown> }> };
    h = await setupPluginForTest(langchain, { baseDir: here, config: config.plugins[0]!.config });
    const [bundle] = h.plugin.bundles;
    expect(bundle?.name).toBe('travel-info');
    expect(bundle?.tools.map((t) => [t.name, t.sideEffects, t.timeoutMs])).toEqual([
      ['get_forecast', 'none', 10_000],
      ['convert_currency', 'none', 2_000],
    ]);
    expect(toolInfo(h.tool('get_forecast')).inputSchema).toMatchObject({ type: 'object', required: ['city'] });

    expect(await h.run('get_forecast', { city: 'Kyoto', days: 2 })).toMatchObject({ ok: true, output: { city: 'Kyoto', forecast: [{ day: 1, sky: 'sunny' }, { day: 2, sky: 'cloudy' }] } });
    expect(await h.run('convert_currency', { amount: 30000, from: 'JPY', to: 'USD' })).toMatchObject({ ok: true, output: { amount: 200, currency: 'USD' } });
    expect(await h.run('convert_currency', { amount: 1, from: 'JPY', to: 'EUR' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
