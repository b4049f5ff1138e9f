import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { definePlugin, isPluginFactory, type PluginDefinition, type PluginModule, type PluginSetupContext } from '@aime/plugin-sdk';
import { errorMessage } from '@aime/protocol';
import type { AimeConfig, McpServerEntry, ResolvedPluginEntry } from './config.ts';

/** Why a plugin could not be loaded. */
export type PluginLoadFailure = 'not_found' | 'import_failed' | 'no_export' | 'invalid_plugin' | 'setup_failed' | 'mcp_failed';

/**
 * A plugin listed in the configuration could not be loaded or set up. The message names the
 * specifier (or MCP server) and the cause; the worker that hit it does not start.
 */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
  readonly code = 'plugin_load_failed';
  /** The specifier as configured, or `mcp:<server name>`. */
  readonly specifier: string;
  readonly failure: PluginLoadFailure;

  constructor(specifier: string, failure: PluginLoadFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.specifier = specifier;
    this.failure = failure;
  }
}

/** Where a loaded plugin came from; the worker names it when the plugin's setup fails. */
export interface PluginOrigin {
  specifier: string;
  config: Record<string, unknown>;
  /** The config file's folder, handed to the plugin's setup as `baseDir`. */
  baseDir?: string;
}

const origins = new WeakMap<PluginModule, PluginOrigin>();

/** The configured origin of a plugin returned by {@link loadPlugins}, or undefined for one passed in directly. */
export function pluginOrigin(plugin: PluginModule): PluginOrigin | undefined {
  return origins.get(plugin);
}

const isPathSpecifier = (s: string): boolean => s.startsWith('.') || s.startsWith('/') || s.startsWith('file:') || isAbsolute(s);
const notFound = (err: unknown): boolean => ['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes((err as { code?: string }).code ?? '') || /Cannot find (module|package)|Failed to load url|Does the file exist/i.test(errorMessage(err));

/**
 * Imports a plugin module: a path relative to the config file's folder, or a package name,
 * looked up from the runtime first and then from the config file's folder (a project that
 * installed the plugin next to its config).
 */
async function importModule(entry: ResolvedPluginEntry): Promise<Record<string, unknown>> {
  const spec = entry.module;
  if (isPathSpecifier(spec)) {
    const url = spec.startsWith('file:') ? spec : pathToFileURL(resolve(entry.baseDir, spec)).href;
    try {
      return (await import(url)) as Record<string, unknown>;
    } catch (err) {
      const failure = notFound(err) ? 'not_found' : 'import_failed';
      const what = failure === 'not_found' ? `module not found (looked for ${resolve(entry.baseDir, spec)})` : `importing it threw: ${errorMessage(err)}`;
      throw new PluginLoadError(spec, failure, `plugin "${spec}" failed to load: ${what}`, { cause: err });
    }
  }
  try {
    return (await import(spec)) as Record<string, unknown>;
  } catch (first) {
    if (!notFound(first)) throw new PluginLoadError(spec, 'import_failed', `plugin "${spec}" failed to load: importing it threw: ${errorMessage(first)}`, { cause: first });
    let path: string;
    try {
      path = createRequire(join(entry.baseDir, 'aime.config.json')).resolve(spec);
    } catch {
      throw new PluginLoadError(spec, 'not_found', `plugin "${spec}" failed to load: module not found (is the package installed?)`, { cause: first });
    }
    try {
      return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (err) {
      throw new PluginLoadError(spec, 'import_failed', `plugin "${spec}" failed to load: importing ${path} threw: ${errorMessage(err)}`, { cause: err });
    }
  }
}

/**
 * The loaded plugin, wrapped so its `setup` receives the entry's config: the same module
 * listed twice with different configs gives two plugins.
 */
function withOrigin(plugin: PluginModule, origin: PluginOrigin): PluginModule {
  const context = (ctx: Omit<PluginSetupContext, 'keys'>) => ({ ...ctx, config: { ...origin.config, ...ctx.config }, ...(origin.baseDir ? { baseDir: origin.baseDir } : {}) });
  if (isPluginFactory(plugin)) {
    const factory = { kind: plugin.kind, create: (ctx: Omit<PluginSetupContext, 'keys'>) => plugin.create(context(ctx)) };
    origins.set(factory, origin);
    return factory;
  }
  const wrapped: PluginDefinition = {
    name: plugin.name,
    version: plugin.version,
    bundles: plugin.bundles,
    ...(plugin.configKeys ? { configKeys: plugin.configKeys } : {}),
    ...(plugin.setup ? { setup: (ctx: PluginSetupContext) => plugin.setup!({ ...ctx, ...context(ctx) }) } : {}),
    ...(plugin.teardown ? { teardown: () => plugin.teardown!() } : {}),
    ...(plugin.onMissionEnd ? { onMissionEnd: plugin.onMissionEnd.bind(plugin) } : {}),
  };
  origins.set(wrapped, origin);
  return wrapped;
}

async function loadOne(entry: ResolvedPluginEntry): Promise<PluginModule> {
  const spec = entry.module;
  const mod = await importModule(entry);
  const candidate = mod.default ?? mod.plugin;
  if (candidate === undefined) {
    throw new PluginLoadError(spec, 'no_export', `plugin "${spec}" failed to load: the module has no default export (or export named "plugin"); export the result of definePlugin(...)`);
  }
  let plugin: PluginModule;
  try {
    plugin = definePlugin(candidate as PluginModule);
  } catch (err) {
    throw new PluginLoadError(spec, 'invalid_plugin', `plugin "${spec}" failed to load: its export is not a valid plugin definition: ${errorMessage(err)}`, { cause: err });
  }
  return withOrigin(plugin, { specifier: spec, config: entry.config, baseDir: entry.baseDir });
}

type LoadMcpPlugin = (server: McpServerEntry, opts?: { logger?: Logger }) => Promise<PluginDefinition>;

async function loadMcp(server: McpServerEntry, logger: Logger | undefined): Promise<PluginDefinition> {
  const spec = `mcp:${server.name}`;
  // Looked up at run time so a worker with no MCP servers never loads the MCP SDK.
  const mcpModule = '@aime/mcp';
  let load: LoadMcpPlugin | undefined;
  try {
    load = ((await import(mcpModule)) as { loadMcpPlugin?: LoadMcpPlugin }).loadMcpPlugin;
  } catch (err) {
    throw new PluginLoadError(spec, 'mcp_failed', `MCP server "${server.name}" failed to load: @aime/mcp is not available: ${errorMessage(err)}`, { cause: err });
  }
  if (typeof load !== 'function') throw new PluginLoadError(spec, 'mcp_failed', `MCP server "${server.name}" failed to load: @aime/mcp exports no loadMcpPlugin`);
  try {
    const plugin = await load(server, logger ? { logger } : {});
    return withOrigin(plugin, { specifier: spec, config: {} }) as PluginDefinition;
  } catch (err) {
    throw new PluginLoadError(spec, 'mcp_failed', `MCP server "${server.name}" failed to load: ${errorMessage(err)}`, { cause: err });
  }
}

export interface LoadPluginsOptions {
  logger?: Logger;
}

/**
 * Imports every configured plugin (in order) and connects every MCP server, checking each
 * plugin definition. Setting plugins up is the worker's job. On the first failure the MCP
 * clients already connected are closed again.
 * @throws PluginLoadError naming the plugin and the cause.
 */
export async function loadPlugins(config: Pick<AimeConfig, 'plugins' | 'mcpServers'>, opts: LoadPluginsOptions = {}): Promise<PluginModule[]> {
  const loaded: PluginModule[] = [];
  for (const entry of config.plugins) {
    loaded.push(await loadOne(entry));
    opts.logger?.debug({ plugin: entry.module }, 'plugin loaded');
  }
  // Only MCP plugins hold anything before setup (their client is connected at load).
  const connected: PluginDefinition[] = [];
  try {
    for (const server of config.mcpServers) {
      connected.push(await loadMcp(server, opts.logger));
      opts.logger?.debug({ mcpServer: server.name }, 'MCP server loaded');
    }
  } catch (err) {
    for (const p of connected.reverse()) await Promise.resolve(p.teardown?.()).catch(() => undefined);
    throw err;
  }
  return [...loaded, ...connected];
}
