import type { ModelsFileSection } from '@aime/models';
import { AimeConfigFile, CONFIG_FILE_NAMES, ConfigError, findConfigFile, McpServerEntry, PluginEntry, readConfigFile } from '@aime/service';
import { dirname, isAbsolute, resolve } from 'node:path';
import { formatIssues } from '@aime/protocol';
import type { ApprovalPolicy } from './approval-policy.ts';

// The file's schema lives with the rest of the configuration in @aime/service.
export { AimeConfigFile, McpServerEntry, PluginEntry };

/** A plugin to load, with where its specifier is resolved from. */
export interface ResolvedPluginEntry {
  /** As written: a package name (`@aime/plugin-travel`) or a path. */
  module: string;
  /** Handed to the plugin's `setup(ctx).config`. */
  config: Record<string, unknown>;
  /** Relative paths are resolved from here: the config file's folder, or the working directory. */
  baseDir: string;
}

/** The loaded configuration of a worker. */
export interface AimeConfig {
  plugins: ResolvedPluginEntry[];
  /** Stdio servers' relative `cwd` is already resolved against the config file's folder. */
  mcpServers: McpServerEntry[];
  /** The config file read, or null when there is none. */
  source: string | null;
  /** Where the plugin list came from. */
  pluginsFrom: 'env' | 'file' | 'default';
  /** The file's `models` section, for `modelsConfigFromEnv(env, models)`. */
  models?: ModelsFileSection;
  /** The file's `approvals` section: tools (names or globs) whose every call waits for an operator. */
  approvals?: ApprovalPolicy;
}

/** The plugins a worker loads with neither a config file listing plugins nor `AIME_PLUGINS`. */
export const DEFAULT_PLUGINS: readonly string[] = ['@aime/plugin-travel', '@aime/plugin-builtin'];

export { CONFIG_FILE_NAMES, ConfigError };

export interface LoadConfigOptions {
  /** @default process.cwd() */
  cwd?: string;
  /** Reads `AIME_CONFIG` and `AIME_PLUGINS`. @default process.env */
  env?: Record<string, string | undefined>;
}

/**
 * Finds and reads the configuration: the file named by `AIME_CONFIG` (relative to `cwd`), else
 * the first of `aime.config.json|ts|js` in `cwd`, else none. `AIME_PLUGINS` (a comma list of
 * specifiers, relative to `cwd`) replaces the file's plugins; with neither, the plugins are
 * {@link DEFAULT_PLUGINS}.
 * @throws ConfigError when `AIME_CONFIG` names no file, or the file is unreadable or invalid.
 */
export async function loadConfig(opts: LoadConfigOptions = {}): Promise<AimeConfig> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const env = opts.env ?? process.env;
  const source = await findConfigFile({ cwd, env });

  let file: AimeConfigFile = {};
  if (source) {
    const parsed = AimeConfigFile.safeParse(await readConfigFile(source));
    if (!parsed.success) throw new ConfigError(source, `the config file ${source} is invalid: ${formatIssues(parsed.error.issues, { style: 'inline', root: '(root)' })}`);
    file = parsed.data;
  }
  const fileDir = source ? dirname(source) : cwd;

  const fromEnv = env.AIME_PLUGINS?.split(',').map((s) => s.trim()).filter(Boolean);
  let plugins: ResolvedPluginEntry[];
  let pluginsFrom: AimeConfig['pluginsFrom'];
  if (fromEnv && fromEnv.length > 0) {
    plugins = fromEnv.map((module) => ({ module, config: {}, baseDir: cwd }));
    pluginsFrom = 'env';
  } else if (file.plugins) {
    plugins = file.plugins.map((p) => (typeof p === 'string' ? { module: p, config: {}, baseDir: fileDir } : { module: p.module, config: p.config ?? {}, baseDir: fileDir }));
    pluginsFrom = 'file';
  } else {
    plugins = DEFAULT_PLUGINS.map((module) => ({ module, config: {}, baseDir: cwd }));
    pluginsFrom = 'default';
  }
  const mcpServers = (file.mcpServers ?? []).map((s) => ('command' in s && s.cwd && !isAbsolute(s.cwd) ? { ...s, cwd: resolve(fileDir, s.cwd) } : s));
  return { plugins, mcpServers, source, pluginsFrom, ...(file.models ? { models: file.models } : {}), ...(file.approvals ? { approvals: file.approvals } : {}) };
}
