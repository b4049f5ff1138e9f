import { z } from 'zod';
import { PluginError } from './errors.ts';
import { zodInputJsonSchema } from './info.ts';
import { lateKeys } from './plugin-keys.ts';
import type { BundleDefinition, PluginDefinition, PluginFactory, PluginInstance, PluginModule, PluginSetupContext, ToolDefinition, WorkerToolDefinition } from './types.ts';
import { workerRun } from './worker-tool.ts';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const SIDE_EFFECTS = ['none', 'idempotent', 'external'] as const;
/** Longer than any sane tool call; catches seconds-vs-milliseconds mistakes. */
const MAX_TIMEOUT_MS = 60 * 60 * 1000;

function fail(code: string, message: string): never {
  throw new PluginError(code, message);
}

function checkName(what: string, name: unknown): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    fail(`invalid_${what}`, `${what} name must be 1..64 characters of [a-zA-Z0-9_-], got ${JSON.stringify(name)}`);
  }
}

function checkTool(def: ToolDefinition<z.ZodType, unknown>): void {
  if (typeof def !== 'object' || def === null) fail('invalid_tool', `a tool definition must be an object, got ${String(def)}`);
  checkName('tool', def.name);
  const where = `tool "${def.name}"`;
  if (typeof def.description !== 'string' || def.description.trim() === '') {
    fail('invalid_tool', `${where}: description must be a non-empty string; the model chooses tools by it`);
  }
  if (!(def.input instanceof z.ZodType)) {
    fail('invalid_tool', `${where}: input must be a zod schema such as z.object({...})`);
  }
  let schema: Record<string, unknown>;
  try {
    schema = zodInputJsonSchema(def.input);
  } catch (err) {
    fail('invalid_tool', `${where}: input cannot be turned into JSON Schema (${(err as Error).message})`);
  }
  if (schema.type !== 'object') {
    fail('invalid_tool', `${where}: input must be a z.object({...}) (models pass tool arguments as a JSON object), got JSON Schema type ${JSON.stringify(schema.type ?? 'any')}`);
  }
  if (def.inputJsonSchema !== undefined) {
    const own = def.inputJsonSchema as unknown;
    if (typeof own !== 'object' || own === null || Array.isArray(own) || (own as Record<string, unknown>).type !== 'object') {
      fail('invalid_tool', `${where}: inputJsonSchema must be a JSON Schema object with type "object" when set`);
    }
  }
  if (def.output !== undefined && !(def.output instanceof z.ZodType)) {
    fail('invalid_tool', `${where}: output must be a zod schema when set`);
  }
  if (!(SIDE_EFFECTS as readonly string[]).includes(def.sideEffects)) {
    fail('invalid_tool', `${where}: sideEffects must be one of ${SIDE_EFFECTS.join(', ')}, got ${JSON.stringify(def.sideEffects)}`);
  }
  if (def.requiresApproval !== undefined && typeof def.requiresApproval !== 'boolean' && typeof def.requiresApproval !== 'function') {
    fail('invalid_tool', `${where}: requiresApproval must be a boolean or a predicate (input, call) => boolean when set`);
  }
  if (def.timeoutMs !== undefined && (!Number.isInteger(def.timeoutMs) || def.timeoutMs < 1 || def.timeoutMs > MAX_TIMEOUT_MS)) {
    fail('invalid_tool', `${where}: timeoutMs must be an integer 1..${MAX_TIMEOUT_MS}, got ${String(def.timeoutMs)}`);
  }
  if (def.isolation !== undefined && def.isolation !== 'inline' && def.isolation !== 'worker') {
    fail('invalid_tool', `${where}: isolation must be 'inline' or 'worker', got ${JSON.stringify(def.isolation)}`);
  }
  if (typeof def.run !== 'function') fail('invalid_tool', `${where}: run must be a function (input, ctx) => output`);
}

/**
 * Checks a tool definition up front and returns it. An inline tool comes back unchanged; a
 * `WorkerToolDefinition` (`isolation: 'worker'`) comes back with a `run` that calls its
 * module's export in a worker thread (heap-limited, terminated at `timeoutMs`).
 * @throws PluginError
 */
export function defineTool<I extends z.ZodType, O>(def: ToolDefinition<I, O>): ToolDefinition<I, O>;
export function defineTool<I extends z.ZodType, O = unknown>(def: WorkerToolDefinition<I, O>): ToolDefinition<I, O>;
export function defineTool<I extends z.ZodType, O>(def: ToolDefinition<I, O> | WorkerToolDefinition<I, O>): ToolDefinition<I, O> {
  let tool = def as ToolDefinition<I, O>;
  if (typeof def === 'object' && def !== null && def.isolation === 'worker') {
    const name = typeof def.name === 'string' ? def.name : '?';
    if (def.run !== undefined) fail('invalid_tool', `tool "${name}": a tool with isolation 'worker' has no run; its code is the export named in worker`);
    tool = { ...def, run: workerRun(name, def.worker, def.timeoutMs) } as ToolDefinition<I, O>;
  }
  checkTool(tool as ToolDefinition<z.ZodType, unknown>);
  return tool;
}

function checkBundle(def: BundleDefinition): void {
  if (typeof def !== 'object' || def === null) fail('invalid_bundle', `a bundle definition must be an object, got ${String(def)}`);
  checkName('bundle', def.name);
  const where = `bundle "${def.name}"`;
  if (typeof def.description !== 'string' || def.description.trim() === '') {
    fail('invalid_bundle', `${where}: description must be a non-empty string; the Actor Factory picks bundles by it`);
  }
  if (!Array.isArray(def.tools) || def.tools.length === 0) fail('invalid_bundle', `${where}: tools must be a non-empty array`);
  const seen = new Set<string>();
  for (const tool of def.tools) {
    checkTool(tool);
    if (seen.has(tool.name)) fail('duplicate_tool', `${where}: tool name "${tool.name}" is used twice; tool names must be unique`);
    seen.add(tool.name);
  }
}

/** Checks a bundle (valid tools, unique names) and returns it unchanged. @throws PluginError */
export function defineBundle(def: BundleDefinition): BundleDefinition {
  checkBundle(def);
  return def;
}

function checkPlugin(def: PluginDefinition): void {
  if (typeof def !== 'object' || def === null) fail('invalid_plugin', `a plugin definition must be an object, got ${String(def)}`);
  checkName('plugin', def.name);
  const where = `plugin "${def.name}"`;
  if (typeof def.version !== 'string' || def.version.trim() === '') fail('invalid_plugin', `${where}: version must be a non-empty string such as "0.1.0"`);
  if (!Array.isArray(def.bundles) || def.bundles.length === 0) fail('invalid_plugin', `${where}: bundles must be a non-empty array`);
  for (const hook of ['setup', 'teardown', 'onMissionEnd'] as const) {
    if (def[hook] !== undefined && typeof def[hook] !== 'function') fail('invalid_plugin', `${where}: ${hook} must be a function when set`);
  }
  const bundles = new Set<string>();
  const tools = new Map<string, string>();
  for (const bundle of def.bundles) {
    checkBundle(bundle);
    if (bundles.has(bundle.name)) fail('duplicate_bundle', `${where}: bundle name "${bundle.name}" is used twice`);
    bundles.add(bundle.name);
    for (const tool of bundle.tools) {
      const other = tools.get(tool.name);
      if (other !== undefined) fail('duplicate_tool', `${where}: tool "${tool.name}" is in both bundle "${other}" and bundle "${bundle.name}"; tool names must be unique across a plugin`);
      tools.set(tool.name, bundle.name);
    }
  }
}

/** True for what `definePlugin(factory)` returns. */
export function isPluginFactory(value: unknown): value is PluginFactory {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'aime-plugin-factory' && typeof (value as { create?: unknown }).create === 'function';
}

/**
 * Checks a plugin and returns it. Tool names must be unique across all its bundles, because an
 * actor given several bundles sees one flat list of tools.
 *
 * Object form: the definition, returned unchanged. Factory form: `definePlugin((config, ctx) =>
 * ({ name, version, bundles, teardown?, onMissionEnd? }))`, called once by the worker at start
 * (where an object plugin's `setup` runs) with the entry's config and the setup context; what
 * it creates reaches the tools through the closure. It may be async. `ctx.keys` is named after
 * the plugin it returns, so use it inside tools and hooks.
 * @throws PluginError
 */
export function definePlugin(def: PluginDefinition): PluginDefinition;
export function definePlugin(factory: (config: Record<string, unknown>, ctx: PluginSetupContext) => PluginInstance | Promise<PluginInstance>): PluginFactory;
export function definePlugin(def: PluginModule | ((config: Record<string, unknown>, ctx: PluginSetupContext) => PluginInstance | Promise<PluginInstance>)): PluginDefinition | PluginFactory;
export function definePlugin(def: PluginModule | ((config: Record<string, unknown>, ctx: PluginSetupContext) => PluginInstance | Promise<PluginInstance>)): PluginDefinition | PluginFactory {
  if (isPluginFactory(def)) return def;
  if (typeof def === 'function') {
    const factory = def;
    return {
      kind: 'aime-plugin-factory',
      async create(base) {
        const late = lateKeys(base.keyPrefix);
        const made = await factory(base.config, { ...base, keys: late.keys });
        if (typeof made === 'object' && made !== null && 'setup' in made && made.setup !== undefined) {
          fail('invalid_plugin', `plugin "${String(made.name)}": a plugin factory is its own setup; return no setup from it`);
        }
        checkPlugin(made as PluginDefinition);
        late.bind(made.name);
        return made as PluginDefinition;
      },
    };
  }
  checkPlugin(def);
  return def;
}
