import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineBundle, definePlugin, defineTool, isPluginFactory, pluginKeys, PluginError, toolInfo, type PluginKeys } from '@aime/plugin-sdk';
import { setupPluginForTest, type PluginTestHarness } from '@aime/plugin-sdk/testing';
import langchainPlugin from '@aime/plugin-sdk/langchain';

const harnesses: PluginTestHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
async function harness(...args: Parameters<typeof setupPluginForTest>): Promise<PluginTestHarness> {
  const h = await setupPluginForTest(...args);
  harnesses.push(h);
  return h;
}

/** A plugin as a factory: its Redis client and its key namespace reach the tools through the closure. */
const notes = definePlugin(async (config, ctx) => {
  const { Redis } = await import('ioredis');
  const redis = new Redis(ctx.redisUrl);
  const limit = typeof config.limit === 'number' ? config.limit : 3;
  const keys: PluginKeys = ctx.keys;
  const addNote = defineTool({
    name: 'add_note',
    description: 'Keeps a note for the mission.',
    input: z.object({ text: z.string().min(1), urgent: z.boolean().default(false) }),
    sideEffects: 'idempotent',
    requiresApproval: (input) => input.urgent,
    run: async ({ text }, tctx) => {
      const key = keys.missionKey(tctx.missionId, 'notes');
      const count = await redis.rpush(key, text);
      if (count > limit) throw new Error(`at most ${limit} notes`);
      await redis.sadd(keys.ownedSet(tctx.missionId), key);
      return { count };
    },
  });
  return {
    name: 'notes',
    version: '1.0.0',
    bundles: [defineBundle({ name: 'notes', description: 'Mission notes.', tools: [addNote] })],
    async onMissionEnd({ missionId, keys: k }) {
      await redis.del(k.missionKey(missionId, 'notes'));
    },
    async teardown() {
      await redis.quit();
    },
  };
});

describe('definePlugin as a factory', () => {
  it('returns a factory the worker creates with the config, and checks what it returns', async () => {
    expect(isPluginFactory(notes)).toBe(true);
    const broken = definePlugin(() => ({ name: 'bad name', version: '1', bundles: [] }));
    await expect(broken.create({ redisUrl: 'redis://x', keyPrefix: 'p:', logger: console, config: {} })).rejects.toMatchObject({ code: 'invalid_plugin' });
    const withSetup = definePlugin(() => ({ name: 'x', version: '1', bundles: (notes as never as { bundles: [] }).bundles, setup() {} }) as never);
    await expect(withSetup.create({ redisUrl: 'redis://x', keyPrefix: 'p:', logger: console, config: {} })).rejects.toThrow(/a plugin factory is its own setup/);
  });

  it("refuses ctx.keys in the factory's body, before the plugin is named", async () => {
    const early = definePlugin((_config, ctx) => ({ name: ctx.keys.prefix, version: '1', bundles: [] }));
    const err = await early.create({ redisUrl: 'redis://x', keyPrefix: 'p:', logger: console, config: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect(err).toMatchObject({ code: 'keys_not_ready' });
  });

  it('accepts requiresApproval as a predicate and advertises the tool as asking', () => {
    const tool = defineTool({ name: 't', description: 'd', input: z.object({ n: z.number() }), sideEffects: 'external', requiresApproval: ({ n }) => n > 10, run: () => 1 });
    expect(toolInfo(tool).requiresApproval).toBe(true);
    expect(() => defineTool({ ...tool, requiresApproval: 'yes' as never })).toThrow(/requiresApproval must be a boolean or a predicate/);
  });
});

describe('plugin keys', () => {
  it('live under the runtime prefix, one namespace per plugin, with the mission hash tag', () => {
    const k = pluginKeys('aime:', 'notes');
    expect(k.prefix).toBe('aime:plugin:notes:');
    expect(k.key('cache', 'x')).toBe('aime:plugin:notes:cache:x');
    expect(k.missionKey('m-1', 'notes')).toBe('aime:plugin:notes:{m-1}:notes');
    expect(k.missionPattern('m*1')).toBe('aime:plugin:notes:{m\\*1}:*');
    expect(k.ownedSet('m-1')).toBe('aime:{m-1}:owned');
  });
});

describe('setupPluginForTest', () => {
  it("runs a factory plugin against a test prefix of the real Redis, its hook cleans the mission's data and close removes the rest", async () => {
    const h = await harness(notes, { config: { limit: 2 } });
    expect(h.plugin.name).toBe('notes');
    expect(h.keys.prefix).toBe(`${h.keyPrefix}plugin:notes:`);
    expect(await h.run('add_note', { text: 'buy a JR pass' }, { missionId: 'm1' })).toMatchObject({ ok: true, output: { count: 1 } });
    expect(await h.run('add_note', { text: 'book the ryokan' }, { missionId: 'm1' })).toMatchObject({ ok: true, output: { count: 2 } });
    expect(await h.run('add_note', { text: 'one too many' }, { missionId: 'm1' })).toMatchObject({ ok: false, error: { message: 'add_note failed: at most 2 notes' } });
    expect(await h.run('add_note', { text: 'other mission' }, { missionId: 'm2' })).toMatchObject({ ok: true });
    expect((await h.listKeys()).sort()).toEqual([`${h.keyPrefix}plugin:notes:{m1}:notes`, `${h.keyPrefix}plugin:notes:{m2}:notes`, `${h.keyPrefix}{m1}:owned`, `${h.keyPrefix}{m2}:owned`].sort());

    await h.endMission('m1');
    expect(await h.redis.exists(h.keys.missionKey('m1', 'notes'))).toBe(0);
    expect(await h.redis.lrange(h.keys.missionKey('m2', 'notes'), 0, -1)).toEqual(['other mission']);

    harnesses.splice(harnesses.indexOf(h), 1);
    const { keyPrefix } = h;
    await h.close();
    const { Redis } = await import('ioredis');
    const check = new Redis(h.redisUrl);
    expect(await check.keys(`${keyPrefix}*`)).toEqual([]);
    await check.quit();
  });

  it('runs an object plugin\'s setup with the entry\'s config and its key namespace', async () => {
    let seen: { config: unknown; keys: string } | undefined;
    const plugin = definePlugin({
      name: 'hello',
      version: '1.0.0',
      bundles: [defineBundle({ name: 'hello', description: 'Hello.', tools: [defineTool({ name: 'hi', description: 'Says hi.', input: z.object({}), sideEffects: 'none', run: () => 'hi' })] })],
      setup(ctx) {
        seen = { config: ctx.config, keys: ctx.keys.prefix };
      },
    });
    const h = await harness(plugin, { config: { signature: 'Hi' } });
    expect(seen).toEqual({ config: { signature: 'Hi' }, keys: `${h.keyPrefix}plugin:hello:` });
    expect(await h.run('hi', {})).toMatchObject({ ok: true, output: 'hi' });
  });

  it('loads LangChain tools named in a config entry through @aime/plugin-sdk/langchain', async () => {
    const h = await harness(langchainPlugin, {
      baseDir: new URL('./fixtures/', import.meta.url).pathname,
      config: { module: './langchain-tools.ts', export: 'tools', bundle: 'lc-weather', description: 'Weather from LangChain tools.', sideEffects: 'none', tools: { get_forecast: { requiresApproval: true } } },
    });
    expect(h.plugin.name).toBe('langchain-lc-weather');
    expect(h.plugin.bundles.map((b) => [b.name, b.tools.map((t) => [t.name, t.requiresApproval ?? false])])).toEqual([['lc-weather', [['get_forecast', true], ['word_count', false]]]]);
    expect(await h.run('word_count', { text: 'a b c' })).toMatchObject({ ok: true, output: 3 });
  });

  it('names a wrong LangChain config entry', async () => {
    await expect(setupPluginForTest(langchainPlugin, { config: { module: './x.ts', bundle: 'b' } })).rejects.toThrow(/config of @aime\/plugin-sdk\/langchain is invalid:\n- description:/);
    await expect(
      setupPluginForTest(langchainPlugin, { baseDir: new URL('./fixtures/', import.meta.url).pathname, config: { module: './langchain-tools.ts', export: 'nope', bundle: 'b', description: 'd' } }),
    ).rejects.toThrow('the LangChain tools module "./langchain-tools.ts" has no export "nope" (it has tools)');
  });
});
