import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modelsConfigFromEnv } from '@aime/models';
import { createMemoryToolContext, pluginKeys, runTool, type PluginDefinition } from '@aime/plugin-sdk';
import { ConfigError, DEFAULT_PLUGINS, PluginLoadError, loadConfig, loadPlugins, pluginOrigin } from '../src/index.ts';
import { pluginDir, SHOUT_PLUGIN } from './plugin-dir.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function project(files: Record<string, string>): Promise<string> {
  const p = await pluginDir(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

async function loadError(promise: Promise<unknown>): Promise<PluginLoadError> {
  const err = await promise.then(
    () => new Error('it loaded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PluginLoadError);
  return err as PluginLoadError;
}

describe('loadConfig', () => {
  it('reads the file named by AIME_CONFIG and resolves plugin paths from its folder', async () => {
    const dir = await project({ 'conf/aime.config.json': JSON.stringify({ plugins: ['./shout.mjs', { module: '@aime/plugin-travel', config: { seats: 2 } }], mcpServers: [{ name: 'files', command: 'node', cwd: 'srv' }] }) });
    const config = await loadConfig({ cwd: '/', env: { AIME_CONFIG: join(dir, 'conf/aime.config.json') } });
    expect(config).toEqual({
      source: join(dir, 'conf/aime.config.json'),
      pluginsFrom: 'file',
      plugins: [
        { module: './shout.mjs', config: {}, baseDir: join(dir, 'conf') },
        { module: '@aime/plugin-travel', config: { seats: 2 }, baseDir: join(dir, 'conf') },
      ],
      mcpServers: [{ name: 'files', command: 'node', cwd: join(dir, 'conf/srv') }],
    });
  });

  it('reads a models section that the model config applies under the environment, and refuses a key written in the file', async () => {
    const models = { default: { model: 'openai:llama3.1:8b', baseURL: 'http://127.0.0.1:11434/v1', contextWindow: 8192 }, planner: { outputMode: 'json_object', temperature: 0 } };
    const dir = await project({ 'aime.config.json': JSON.stringify({ models }) });
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.models).toEqual(models);
    const cfg = modelsConfigFromEnv({ AIME_FACTORY_OUTPUT_MODE: 'tool' }, config.models);
    expect(cfg.models.planner.model).toBe('llama3.1:8b');
    expect(cfg.roles.planner).toMatchObject({ baseURL: 'http://127.0.0.1:11434/v1', outputMode: 'json_object', temperature: 0, contextWindow: 8192 });
    expect(cfg.roles.factory.outputMode).toBe('tool');
    // A role the file sends to another provider keeps that provider's key, even with OPENAI_API_KEY exported.
    const routed = modelsConfigFromEnv(
      { OPENAI_API_KEY: 'sk-openai', OPENROUTER_API_KEY: 'sk-or', OPENAI_BASE_URL: 'https://api.openai.com/v1' },
      { planner: { model: 'openai:anthropic/claude-sonnet-4', baseURL: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' } },
    );
    expect([routed.roles.planner.apiKey, routed.roles.planner.baseURL]).toEqual(['sk-or', 'https://openrouter.ai/api/v1']);
    expect([routed.roles.factory.apiKey, routed.roles.factory.baseURL]).toEqual(['sk-openai', 'https://api.openai.com/v1']);
    expect(JSON.stringify(routed)).not.toMatch(/sk-or|sk-openai/);
    const bad = await project({ 'aime.config.json': JSON.stringify({ models: { planner: { apiKey: 'sk-live-secret' } } }) });
    await expect(loadConfig({ cwd: bad, env: {} })).rejects.toThrow(/models.*apiKey/);
  });

  it('finds aime.config.ts in the working directory and takes its default export', async () => {
    const dir = await project({ 'aime.config.ts': `export default { plugins: ['./a.ts'] as string[] };\n` });
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.source).toBe(join(dir, 'aime.config.ts'));
    expect(config.plugins).toEqual([{ module: './a.ts', config: {}, baseDir: dir }]);
  });

  it('uses the default plugins with no config and lets AIME_PLUGINS replace the list', async () => {
    const dir = await project({ 'aime.config.json': JSON.stringify({ plugins: ['./x.mjs'] }) });
    const none = await project({});
    expect(await loadConfig({ cwd: none, env: {} })).toMatchObject({ source: null, pluginsFrom: 'default', plugins: DEFAULT_PLUGINS.map((module) => ({ module, config: {}, baseDir: none })) });
    const env = await loadConfig({ cwd: dir, env: { AIME_PLUGINS: ' ./y.mjs, @aime/plugin-travel ,' } });
    expect(env.pluginsFrom).toBe('env');
    expect(env.plugins.map((p) => p.module)).toEqual(['./y.mjs', '@aime/plugin-travel']);
  });

  it('rejects an invalid file, naming the file and the field', async () => {
    const dir = await project({ 'aime.config.json': JSON.stringify({ plugins: [42], plugin: [] }) });
    const err = await loadConfig({ cwd: dir, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('invalid_config');
    expect((err as ConfigError).message).toContain(join(dir, 'aime.config.json'));
    expect((err as ConfigError).message).toMatch(/plugins\[0\]/);
    expect((err as ConfigError).message).toMatch(/plugin/);
  });

  it('rejects an AIME_CONFIG that names no file, and JSON that does not parse', async () => {
    const dir = await project({ 'bad.json': '{ plugins: ' });
    await expect(loadConfig({ cwd: dir, env: { AIME_CONFIG: 'missing.json' } })).rejects.toThrow(`AIME_CONFIG names ${join(dir, 'missing.json')}, which is not a file`);
    await expect(loadConfig({ cwd: dir, env: { AIME_CONFIG: 'bad.json' } })).rejects.toThrow(/is not valid JSON/);
  });
});

describe('loadPlugins', () => {
  it('imports a plugin file by path and hands its entry config to setup', async () => {
    const dir = await project({ 'plugins/shout.mjs': SHOUT_PLUGIN });
    const [loaded, ...rest] = await loadPlugins({ plugins: [{ module: './plugins/shout.mjs', config: { greeting: 'hello' }, baseDir: dir }], mcpServers: [] });
    expect(rest).toEqual([]);
    const plugin = loaded as PluginDefinition | undefined;
    expect(plugin?.name).toBe('shouting');
    expect(pluginOrigin(plugin!)).toEqual({ specifier: './plugins/shout.mjs', config: { greeting: 'hello' }, baseDir: dir });
    await plugin?.setup?.({ redisUrl: 'redis://x', keyPrefix: 'p:', keys: pluginKeys('p:', 'shouting'), logger: createMemoryToolContext().logger, config: {} });
    const tool = plugin!.bundles[0]!.tools[0]!;
    expect(await runTool(tool, { text: 'hi' }, createMemoryToolContext())).toEqual({ ok: true, output: { shouted: 'HI', greeting: 'hello' } });
  });

  it('loads a workspace package by name', async () => {
    const [travel] = (await loadPlugins({ plugins: [{ module: '@aime/plugin-travel', config: {}, baseDir: '/' }], mcpServers: [] })) as PluginDefinition[];
    expect(travel?.bundles.map((b) => b.name)).toContain('trains');
  });

  it('names the specifier and the cause of each kind of broken plugin', async () => {
    const dir = await project({
      'none.mjs': 'export const x = 1;\n',
      'notaplugin.mjs': 'export default { name: "bad plugin!", version: "1", bundles: [] };\n',
      'throws.mjs': 'throw new Error("boom at import");\n',
    });
    const load = (module: string) => loadPlugins({ plugins: [{ module, config: {}, baseDir: dir }], mcpServers: [] });

    const missing = await loadError(load('./missing.mjs'));
    expect(missing).toMatchObject({ code: 'plugin_load_failed', failure: 'not_found', specifier: './missing.mjs' });
    expect(missing.message).toContain('plugin "./missing.mjs" failed to load: module not found');

    const pkg = await loadError(load('@aime/no-such-plugin'));
    expect(pkg).toMatchObject({ failure: 'not_found', message: 'plugin "@aime/no-such-plugin" failed to load: module not found (is the package installed?)' });

    const none = await loadError(load('./none.mjs'));
    expect(none).toMatchObject({ failure: 'no_export' });
    expect(none.message).toMatch(/^plugin "\.\/none\.mjs" failed to load: the module has no default export/);

    const invalid = await loadError(load('./notaplugin.mjs'));
    expect(invalid).toMatchObject({ failure: 'invalid_plugin' });
    expect(invalid.message).toMatch(/^plugin "\.\/notaplugin\.mjs" failed to load: its export is not a valid plugin definition: plugin name must be/);

    const throws = await loadError(load('./throws.mjs'));
    expect(throws).toMatchObject({ failure: 'import_failed' });
    expect(throws.message).toContain('boom at import');
  });
});
