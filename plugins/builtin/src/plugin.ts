import { closeToolWorkers, definePlugin, type PluginDefinition } from '@aime/plugin-sdk';
import { parseBuiltinConfig, resolveBuiltinConfig, type BuiltinConfig, type ResolvedBuiltinConfig } from './config.ts';
import { createFilesBundle } from './files-bundle.ts';
import { createHttpBundle } from './http-bundle.ts';
import type { Resolver } from './http-fetch.ts';
import { createMathBundle } from './math-bundle.ts';
import { startWorkspaceSweeper, type WorkspaceSweeper } from './workspace-sweep.ts';

/** Options of `createBuiltinPlugin` beyond the config. */
export interface BuiltinPluginOptions {
  /** DNS resolver of the http tools. @default dns.lookup (tests inject one) */
  resolve?: Resolver;
}

/** The builtin plugin plus the configuration it currently runs with. */
export interface BuiltinPlugin extends PluginDefinition {
  /** The effective config: `setup`'s `ctx.config` over the one given here, then the defaults. */
  config(): ResolvedBuiltinConfig;
}

/**
 * The builtin plugin: bundles `http` (allowlisted fetch), `files` (the mission's workspace)
 * and `math` (a sandboxed calculator). `config` is the base; the `config` that `setup`
 * receives (from `aime.config.*`) overrides it section by section.
 * @throws PluginError `invalid_config` (here or in `setup`)
 */
export function createBuiltinPlugin(config: BuiltinConfig = {}, options: BuiltinPluginOptions = {}): BuiltinPlugin {
  const base = parseBuiltinConfig(config, 'createBuiltinPlugin config');
  let current = resolveBuiltinConfig(base);
  const get = () => current;
  let sweeper: WorkspaceSweeper | undefined;
  const plugin = definePlugin({
    name: 'builtin',
    version: '0.1.0',
    bundles: [createHttpBundle(get, options.resolve), createFilesBundle(get), createMathBundle()],
    setup(ctx) {
      current = resolveBuiltinConfig(base, parseBuiltinConfig(ctx.config, 'builtin plugin config'));
      const { allowHosts } = current.http;
      ctx.logger.info('builtin plugin ready', { httpAllowHosts: allowHosts, filesRoot: current.files.root });
      if (allowHosts.length === 0) ctx.logger.info('builtin plugin: http.allowHosts is empty, so the http tools refuse every host');
      // Workspaces of finished missions go with the mission's retention (AIME_RETENTION).
      sweeper?.stop();
      sweeper = startWorkspaceSweeper(() => current.files.root, { onError: (err) => ctx.logger.warn('workspace sweep failed', { error: String(err) }) });
    },
    // The math tool's worker threads must not outlive the worker that stops using them.
    teardown: () => {
      sweeper?.stop();
      sweeper = undefined;
      return closeToolWorkers();
    },
  });
  return Object.assign(plugin, { config: get });
}
