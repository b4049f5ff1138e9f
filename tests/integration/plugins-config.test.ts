import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, PluginLoadError } from '@aime/actors';
import { startAll } from '@aime/aime';
import { pino } from 'pino';
import type { Bundle } from '@aime/protocol';
import { eventsOfType, pluginProject, pluginSource, startPluginStack, type PluginStack } from '../helpers/plugin-project.ts';
import { deletePrefix, REDIS_URL } from '../helpers/stack.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function project(files: Record<string, string>): Promise<string> {
  const p = await pluginProject(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

describe('a plugin from a config file', () => {
  it('is loaded, advertised, chosen by the factory for a matching task and used by an actor, with no runtime change', async () => {
    const dir = await project({
      'plugins/shout.mjs': pluginSource({ plugin: 'shouter', bundle: 'shouting', tool: 'shout' }),
      'aime.config.json': JSON.stringify({ plugins: [{ module: './plugins/shout.mjs', config: { greeting: 'hello from config' } }] }),
    });
    const config = await loadConfig({ env: { AIME_CONFIG: join(dir, 'aime.config.json') } });
    const stack: PluginStack = await startPluginStack({ config });
    cleanups.push(() => stack.close());

    const tools = await stack.api<{ bundles: Bundle[] }>('/v1/tools');
    expect(tools.status).toBe(200);
    expect(tools.body.bundles.map((b) => [b.name, b.workers, b.tools.map((t) => t.name)])).toEqual([['shouting', 1, ['shout']]]);

    const id = await stack.submit({ goal: 'Call `shout` with {"text":"plugins work"}' });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed'], 60_000);
    expect(mission.status).toBe('succeeded');

    const events = await stack.events(id);
    const spawned = eventsOfType(events, 'actor.spawned');
    expect(spawned.length).toBeGreaterThan(0);
    for (const s of spawned) expect(s.data.bundles).toEqual(['shouting']);
    const calls = eventsOfType(events, 'actor.step').filter((s) => s.data.toolCall?.name === 'shout');
    expect(calls.length).toBe(spawned.length);
    expect(calls[0]?.data.toolCall?.args).toEqual({ text: 'plugins work' });
    // The tool ran in the worker, with the config entry handed to its setup.
    expect(calls[0]?.data.observation).toContain('"result":"PLUGINS WORK"');
    expect(calls[0]?.data.observation).toContain('"greeting":"hello from config"');
    expect(mission.result?.answer).toContain('PLUGINS WORK');
  });

  it('fails the start of a worker whose plugin is broken, naming it, and leaves other workers running', async () => {
    const dir = await project({
      'good.mjs': pluginSource({ plugin: 'good', bundle: 'good', tool: 'good_tool' }),
      'broken-setup.mjs': pluginSource({ plugin: 'grumpy', bundle: 'grumpy', tool: 'grumpy_tool', setupThrows: 'the licence key is missing' }),
      'bad-export.mjs': 'export const notAPlugin = 42;\n',
    });
    await writeFile(join(dir, 'setup.json'), JSON.stringify({ plugins: ['./good.mjs', './broken-setup.mjs'] }));
    await writeFile(join(dir, 'export.json'), JSON.stringify({ plugins: ['./bad-export.mjs'] }));
    const stack = await startPluginStack({ config: await loadConfig({ cwd: dir, env: { AIME_PLUGINS: './good.mjs' } }) });
    cleanups.push(() => stack.close());

    const setupErr = await stack.startWorker({ config: await loadConfig({ env: { AIME_CONFIG: join(dir, 'setup.json') } }) }).catch((e: unknown) => e);
    expect(setupErr).toBeInstanceOf(PluginLoadError);
    expect((setupErr as PluginLoadError).message).toBe('plugin "./broken-setup.mjs" (grumpy) failed to set up: the licence key is missing');

    const exportErr = await stack.startWorker({ config: await loadConfig({ env: { AIME_CONFIG: join(dir, 'export.json') } }) }).catch((e: unknown) => e);
    expect(exportErr).toMatchObject({ code: 'plugin_load_failed', specifier: './bad-export.mjs' });
    expect((exportErr as Error).message).toMatch(/^plugin "\.\/bad-export\.mjs" failed to load: the module has no default export/);

    // The stack's own worker is untouched and still serves its bundle.
    const tools = await stack.api<{ bundles: Bundle[] }>('/v1/tools');
    expect(tools.body.bundles.map((b) => [b.name, b.workers])).toEqual([['good', 1]]);
  });

  it('makes the all-in-one start fail with the message of the broken plugin', async () => {
    const dir = await project({ 'aime.config.json': JSON.stringify({ plugins: ['./missing-plugin.mjs'] }) });
    const prefix = `test-h8-${Date.now()}:`;
    cleanups.push(() => deletePrefix(prefix));
    const err = await startAll({ redisUrl: REDIS_URL, prefix, port: 0, dashboardDir: null, logger: pino({ level: 'silent' }), config: await loadConfig({ cwd: dir, env: {} }) }).then(
      async (app) => {
        await app.close();
        return new Error('it started');
      },
      (e: unknown) => e as Error,
    );
    expect(err).toMatchObject({ code: 'plugin_load_failed' });
    expect(err.message).toBe(`plugin "./missing-plugin.mjs" failed to load: module not found (looked for ${join(dir, 'missing-plugin.mjs')})`);
  });
});
