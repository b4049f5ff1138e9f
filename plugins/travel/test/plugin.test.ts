import { describe, it, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Bundle } from '@aime/protocol';
import { bundleInfo, createMemoryToolContext, pluginKeys, runTool, PluginError } from '@aime/plugin-sdk';
import travelDefault, { createTravelPlugin, travelPlugin } from '@aime/plugin-travel';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('travel plugin', () => {
  it('exports one plugin as default and as travelPlugin, with the six bundles', () => {
    expect(travelDefault).toBe(travelPlugin);
    expect(travelPlugin).toMatchObject({ name: 'travel', version: '0.1.0' });
    expect(travelPlugin.bundles.map((b) => b.name)).toEqual(['trains', 'flights', 'hotels', 'weather', 'currency', 'itinerary']);
    for (const b of travelPlugin.bundles) Bundle.parse(bundleInfo(b));
    const tools = travelPlugin.bundles.flatMap((b) => b.tools.map((t) => [t.name, t.sideEffects]));
    expect(Object.fromEntries(tools)).toMatchObject({ search_trains: 'none', book_train: 'external', book_flight: 'external', book_hotel: 'external', convert_currency: 'none', get_bookings: 'none' });
  });

  it('fails tool calls with not_ready before setup', async () => {
    const plugin = createTravelPlugin();
    const tool = plugin.bundles[0]?.tools[0];
    if (!tool) throw new Error('no tool');
    expect(await runTool(tool, { from: 'Tokyo', to: 'Kyoto', date: '2026-12-02' }, createMemoryToolContext())).toMatchObject({ ok: false, error: { toolCode: 'not_ready' } });
  });

  it('opens its own Redis connection in setup, writes under the key prefix, and closes it in teardown', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const plugin = createTravelPlugin();
    await plugin.setup?.({ redisUrl: REDIS_URL, keyPrefix, keys: pluginKeys(keyPrefix, 'travel'), logger, config: {} });
    const book = plugin.bundles.flatMap((b) => b.tools).find((t) => t.name === 'book_train');
    if (!book) throw new Error('no book_train');
    const result = await runTool(book, { trainId: 'NOZOMI-0900-2026-12-02', passengers: 1 }, createMemoryToolContext({ missionId: 'm1' }));
    expect(result.ok).toBe(true);
    await plugin.teardown?.();
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${keyPrefix}*`);
      expect(keys).toContain(`${keyPrefix}travel:{m1}:bookings`);
      await redis.del(...keys);
    } finally {
      await redis.quit();
    }
    expect(() => plugin.world()).toThrow(/not set up/);
  });

  it('fails setup with a PluginError when Redis cannot be reached', async () => {
    const plugin = createTravelPlugin();
    const setup = plugin.setup?.({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'x:', keys: pluginKeys('x:', 'travel'), logger, config: {} });
    await expect(setup).rejects.toBeInstanceOf(PluginError);
  });
});

describe('convert_currency and get_weather tools', () => {
  it('answer the same for the same question', async () => {
    const plugin = createTravelPlugin({ world: {} as never });
    const tool = (name: string) => plugin.bundles.flatMap((b) => b.tools).find((t) => t.name === name)!;
    const ctx = createMemoryToolContext();
    const c1 = await runTool(tool('convert_currency'), { amount: 300_000, from: 'JPY', to: 'KRW' }, ctx);
    expect(c1).toEqual(await runTool(tool('convert_currency'), { amount: 300_000, from: 'JPY', to: 'KRW' }, ctx));
    expect(c1).toMatchObject({ ok: true, output: { result: 2_777_778, text: '¥300,000 = ₩2,777,778' } });
    const w1 = await runTool(tool('get_weather'), { city: 'kyoto', date: '2026-12-02' }, ctx);
    expect(w1).toEqual(await runTool(tool('get_weather'), { city: 'Kyoto', date: '2026-12-02' }, ctx));
    expect(w1).toMatchObject({ ok: true, output: { city: 'Kyoto', date: '2026-12-02' } });
  });
});
