import { REDIS_URL } from '@aime/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definePlugin, defineBundle, defineTool } from '@aime/plugin-sdk';
import { createTravelPlugin } from '@aime/plugin-travel';
import { capabilityQueue } from '@aime/store';
import { z } from 'zod';
import { ActorError, PluginLoadError, loadConfig, startActorWorker } from '../src/index.ts';
import { setupEnv, silent, type TestEnv } from './fixtures.ts';
import { pluginDir, SHOUT_PLUGIN } from './plugin-dir.ts';

let env: TestEnv;
beforeEach(async () => {
  env = await setupEnv();
});
afterEach(async () => {
  await env.close();
});

const echo = defineTool({ name: 'echo', description: 'Echoes its input.', input: z.object({ text: z.string() }), sideEffects: 'none', run: (i) => i });

describe('actor worker lifecycle', { timeout: 30_000 }, () => {
  it('advertises its bundles while running and withdraws them on close', async () => {
    const worker = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [createTravelPlugin()], logger: silent, workerId: 'w-1' });
    expect(worker.state).toBe('running');
    expect(worker.workerId).toBe('w-1');
    const workers = await env.store.listWorkers();
    // Its queue is named after its bundle set, so the factory can route by capability.
    const queue = capabilityQueue(['currency', 'flights', 'hotels', 'itinerary', 'trains', 'weather']);
    expect(workers.map((w) => [w.workerId, w.queue])).toEqual([['w-1', queue]]);
    expect(worker.queue).toBe(queue);
    const bundles = await env.store.listBundles();
    expect(bundles.map((b) => b.name).sort()).toEqual(['currency', 'flights', 'hotels', 'itinerary', 'trains', 'weather']);
    expect(bundles.find((b) => b.name === 'trains')?.tools.map((t) => t.name)).toEqual(['search_trains', 'book_train']);

    await worker.close();
    expect(worker.state).toBe('closed');
    expect(await env.store.listWorkers()).toEqual([]);
  });

  it('fails to start when a plugin fails to set up, naming the plugin and the cause, and tears down the others', async () => {
    const torn: string[] = [];
    const ok = definePlugin({ name: 'fine', version: '1.0.0', bundles: [defineBundle({ name: 'echoes', description: 'Echo tools.', tools: [echo] })], teardown: () => void torn.push('fine') });
    const broken = definePlugin({
      name: 'broken',
      version: '1.0.0',
      bundles: [defineBundle({ name: 'nothing', description: 'Nothing.', tools: [defineTool({ ...echo, name: 'nothing' })] })],
      setup: () => {
        throw new Error('database is down');
      },
    });
    const err = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [ok, broken], logger: silent }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActorError);
    expect((err as ActorError).code).toBe('plugin_setup_failed');
    expect((err as ActorError).message).toMatch(/plugin "broken" failed to set up: database is down/);
    expect(torn).toEqual(['fine']);
    expect(await env.store.listWorkers()).toEqual([]);
  });

  it('rejects bad options before opening anything', async () => {
    const start = async (over: Record<string, unknown>): Promise<ActorError> => {
      try {
        const w = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [], logger: silent, ...over });
        await w.close();
      } catch (e) {
        return e as ActorError;
      }
      throw new Error('the worker started');
    };
    expect((await start({ concurrency: 0 })).message).toBe('concurrency must be an integer 1..256, got 0');
    expect((await start({ pollMs: 1.5 })).code).toBe('invalid_option');
    // Two plugins may each be valid alone and still clash on a tool name.
    const one = definePlugin({ name: 'one', version: '1', bundles: [defineBundle({ name: 'a', description: 'A.', tools: [echo] })] });
    const two = definePlugin({ name: 'two', version: '1', bundles: [defineBundle({ name: 'b', description: 'B.', tools: [echo] })] });
    const clash = await start({ plugins: [one, two] });
    expect(clash.code).toBe('duplicate_tool');
    expect(clash.message).toMatch(/tool "echo" is in bundles "a" and "b"/);
    expect(await env.store.listWorkers()).toEqual([]);
  });

  it('loads its plugins from the config file when none are passed in, and advertises them', async () => {
    const project = await pluginDir({ 'shout.mjs': SHOUT_PLUGIN, 'aime.config.json': JSON.stringify({ plugins: [{ module: './shout.mjs', config: { greeting: 'hi' } }] }) });
    try {
      const config = await loadConfig({ cwd: project.dir, env: {} });
      const worker = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, config, logger: silent, workerId: 'w-cfg' });
      expect(worker.bundles).toEqual(['shouting']);
      const bundles = await env.store.listBundles();
      expect(bundles.map((b) => [b.name, b.workers, b.tools.map((t) => t.name)])).toEqual([['shouting', 1, ['shout']]]);
      await worker.close();
    } finally {
      await project.cleanup();
    }
  });

  it('fails to start, naming the configured plugin, when it fails to load or to set up', async () => {
    const broken = SHOUT_PLUGIN.replace("greeting = String(ctx.config.greeting ?? 'none');", "throw new Error('no licence key');").replaceAll('shout', 'whisper');
    const project = await pluginDir({ 'shout.mjs': SHOUT_PLUGIN, 'broken.mjs': broken, 'empty.mjs': 'export const nothing = 1;\n' });
    try {
      const start = async (plugins: string[]) => {
        const config = await loadConfig({ cwd: project.dir, env: { AIME_PLUGINS: plugins.join(',') } });
        return startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, config, logger: silent }).then(
          async (w) => {
            await w.close();
            throw new Error('the worker started');
          },
          (e: unknown) => e as PluginLoadError,
        );
      };
      const setup = await start(['./shout.mjs', './broken.mjs']);
      expect(setup).toBeInstanceOf(PluginLoadError);
      expect(setup).toMatchObject({ code: 'plugin_load_failed', failure: 'setup_failed', specifier: './broken.mjs' });
      expect(setup.message).toBe('plugin "./broken.mjs" (whispering) failed to set up: no licence key');
      const load = await start(['./shout.mjs', './empty.mjs']);
      expect(load).toMatchObject({ code: 'plugin_load_failed', failure: 'no_export', specifier: './empty.mjs' });
      expect(await env.store.listWorkers()).toEqual([]);
    } finally {
      await project.cleanup();
    }
  });
});
