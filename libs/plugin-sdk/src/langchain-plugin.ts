import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { definePlugin } from './define.ts';
import { PluginError } from './errors.ts';
import { formatIssues } from './format-issues.ts';
import { fromLangChainToolkit, type LangChainToolLike, type LangChainToolkitLike } from './langchain.ts';

export { fromLangChainTool, fromLangChainToolkit } from './langchain.ts';
export type { LangChainToolLike, LangChainToolkitLike, LangChainToolOptions, LangChainToolkitOptions } from './langchain.ts';

const NAME = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1..64 characters of [a-zA-Z0-9_-]');
const ToolOptions = z.strictObject({
  name: NAME.optional(),
  description: z.string().trim().min(1).optional(),
  sideEffects: z.enum(['none', 'idempotent', 'external']).optional(),
  idempotent: z.boolean().optional(),
  requiresApproval: z.boolean().optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
});

/**
 * The `config` of a `{ "module": "@aime/plugin-sdk/langchain", "config": {...} }` entry in
 * `aime.config.json`: which module holds the LangChain tools, and how they behave here.
 */
export const LangChainPluginConfig = z.strictObject({
  /** The module with the tools: a path relative to the config file's folder, or a package name. */
  module: z.string().trim().min(1),
  /** Its export: a tool, an array of tools, a toolkit, or a function returning one of these. @default 'default' */
  export: z.string().trim().min(1).default('default'),
  /** The plugin's name (its Redis key namespace and log tag). @default `langchain-<bundle>` */
  plugin: NAME.optional(),
  bundle: NAME,
  description: z.string().trim().min(1),
  sideEffects: ToolOptions.shape.sideEffects,
  idempotent: ToolOptions.shape.idempotent,
  requiresApproval: ToolOptions.shape.requiresApproval,
  timeoutMs: ToolOptions.shape.timeoutMs,
  /** Per tool, by its LangChain name. */
  tools: z.record(z.string(), ToolOptions).optional(),
});
export type LangChainPluginConfig = z.input<typeof LangChainPluginConfig>;

const isPath = (s: string): boolean => s.startsWith('.') || s.startsWith('file:') || isAbsolute(s);

async function importFrom(baseDir: string, spec: string): Promise<Record<string, unknown>> {
  try {
    if (isPath(spec)) return (await import(spec.startsWith('file:') ? spec : pathToFileURL(resolve(baseDir, spec)).href)) as Record<string, unknown>;
    // A package installed next to the config file, else one the runtime can see.
    let url: string | undefined;
    try {
      url = pathToFileURL(createRequire(join(baseDir, 'aime.config.json')).resolve(spec)).href;
    } catch {
      url = undefined;
    }
    return (await import(url ?? spec)) as Record<string, unknown>;
  } catch (err) {
    throw new PluginError('langchain_module_failed', `the LangChain tools module "${spec}" (from ${baseDir}) failed to load: ${(err as Error).message}`);
  }
}

/**
 * A plugin serving LangChain tools named in the config file, with no code of your own:
 *
 * ```json
 * { "plugins": [{ "module": "@aime/plugin-sdk/langchain",
 *     "config": { "module": "./weather-tools.ts", "export": "tools", "bundle": "weather",
 *                 "description": "Weather forecasts", "sideEffects": "none" } }] }
 * ```
 */
export default definePlugin(async (config, ctx) => {
  const parsed = LangChainPluginConfig.safeParse(config);
  if (!parsed.success) throw new PluginError('invalid_config', `the config of @aime/plugin-sdk/langchain is invalid:\n${formatIssues(parsed.error.issues)}`);
  const { module, export: name, plugin, bundle, description, tools, ...defaults } = parsed.data;
  const mod = await importFrom(ctx.baseDir ?? process.cwd(), module);
  if (!(name in mod)) throw new PluginError('langchain_module_failed', `the LangChain tools module "${module}" has no export "${name}" (it has ${Object.keys(mod).join(', ') || 'none'})`);
  let source = mod[name];
  if (typeof source === 'function' && !('invoke' in source)) source = await (source as () => unknown)();
  const list = typeof source === 'object' && source !== null && 'invoke' in source ? [source as LangChainToolLike] : (source as LangChainToolkitLike | LangChainToolLike[]);
  const definedDefaults = Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined));
  return {
    name: plugin ?? `langchain-${bundle}`,
    version: '1.0.0',
    bundles: [fromLangChainToolkit(list, { bundle, description, ...definedDefaults, ...(tools ? { tools } : {}) })],
  };
});
