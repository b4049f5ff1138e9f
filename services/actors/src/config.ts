import { ModelsFileSection } from '@aime/models';
import { CONFIG_FILE_NAMES, ConfigError, findConfigFile, readConfigFile } from '@aime/service';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** A `plugins` entry of the config file: a module specifier, or one with the config its `setup` receives. */
export const PluginEntry = z.union([
  z.string().trim().min(1),
  z.strictObject({ module: z.string().trim().min(1), config: z.record(z.string(), z.unknown()).optional() }),
]);
export type PluginEntry = z.infer<typeof PluginEntry>;

const ServerName = z.string().regex(/^[a-zA-Z0-9_-]{1,60}$/, 'must be 1..60 characters of [a-zA-Z0-9_-] (it becomes the bundle name mcp-<name>)');

/**
 * An `mcpServers` entry: a server started as a child process (stdio) or reached over
 * streamable HTTP. `@aime/mcp` validates the details when it connects.
 */
export const McpServerEntry = z.union([
  z.strictObject({
    name: ServerName,
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    autoApprove: z.array(z.string()).optional(),
  }),
  z.strictObject({ name: ServerName, url: z.string().min(1), headers: z.record(z.string(), z.string()).optional(), autoApprove: z.array(z.string()).optional() }),
]);
export type McpServerEntry = z.infer<typeof McpServerEntry>;

/** The content of `aime.config.json` / the default export of `aime.config.ts|js`. */
export const AimeConfigFile = z.strictObject({
  plugins: z.array(PluginEntry).optional(),
  mcpServers: z.array(McpServerEntry).optional(),
  /** Per-role model settings (see docs/models.md); the environment wins over them. */
  models: ModelsFileSection.optional(),
});
export type AimeConfigFile = z.infer<typeof AimeConfigFile>;

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

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
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
    if (!parsed.success) throw new ConfigError(source, `the config file ${source} is invalid: ${describeIssues(parsed.error)}`);
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
  return { plugins, mcpServers, source, pluginsFrom, ...(file.models ? { models: file.models } : {}) };
}
