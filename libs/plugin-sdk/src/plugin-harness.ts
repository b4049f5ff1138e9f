import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { definePlugin, isPluginFactory } from './define.ts';
import { pluginKeys } from './plugin-keys.ts';
import { runTool } from './run-tool.ts';
import { createMemoryToolContext, type MemoryToolContext } from './testing.ts';
import type { PluginDefinition, PluginKeys, PluginModule, ToolContext, ToolDefinition, ToolLogger, ToolResult } from './types.ts';

export { createMemoryToolContext } from './testing.ts';
export type { MemoryToolContext } from './testing.ts';

/** Options of {@link setupPluginForTest}. */
export interface PluginTestOptions {
  /** The entry's `config`, as `aime.config.json` would give it. @default {} */
  config?: Record<string, unknown>;
  /** @default process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' */
  redisUrl?: string;
  /** The runtime prefix the plugin runs under. @default a fresh `test-<uuid>:` */
  keyPrefix?: string;
  /** Relative paths in the config are resolved from here. @default process.cwd() */
  baseDir?: string;
}

/** A plugin set up as a worker would, on a test prefix of a real Redis. */
export interface PluginTestHarness {
  /** The plugin after setup (a factory's returned definition). */
  readonly plugin: PluginDefinition;
  readonly keys: PluginKeys;
  readonly keyPrefix: string;
  readonly redisUrl: string;
  /** A connection to the test Redis, for looking at what the plugin wrote (closed by `close`). */
  readonly redis: Redis;
  /** What the plugin logged during setup and hooks. */
  readonly logs: Array<{ level: keyof ToolLogger; msg: string; fields?: object }>;
  /** The tool of that name, from any bundle. @throws Error naming the tools there are */
  tool(name: string): ToolDefinition;
  /** Runs a tool as an actor would (`runTool`: validation, timeout, output limit), in a memory context. */
  run(name: string, input: unknown, ctx?: Partial<ToolContext>): Promise<ToolResult & { ctx: MemoryToolContext }>;
  /** Calls the plugin's `onMissionEnd` for the mission, as a worker does when it ends. */
  endMission(missionId: string): Promise<void>;
  /** Every key under the test prefix. */
  listKeys(): Promise<string[]>;
  /** Runs the plugin's teardown and deletes every key under the test prefix. */
  close(): Promise<void>;
}

/**
 * Runs a plugin's `setup` (or its factory) the way an actor worker does, against a real Redis
 * under a fresh key prefix, for the plugin's own tests:
 *
 * ```ts
 * const h = await setupPluginForTest(plugin, { config: { signature: 'Hi' } });
 * afterAll(() => h.close());
 * expect(await h.run('send_postcard', { to: 'Tokyo', message: 'hello' })).toMatchObject({ ok: true });
 * ```
 */
export async function setupPluginForTest(module: PluginModule, opts: PluginTestOptions = {}): Promise<PluginTestHarness> {
  const checked = definePlugin(module);
  const redisUrl = opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const keyPrefix = opts.keyPrefix ?? `test-${randomUUID()}:`;
  const logs: PluginTestHarness['logs'] = [];
  const log = (level: keyof ToolLogger) => (msg: string, fields?: object) => {
    logs.push(fields === undefined ? { level, msg } : { level, msg, fields });
  };
  const logger: ToolLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const base = { redisUrl, keyPrefix, logger, config: opts.config ?? {}, baseDir: opts.baseDir ?? process.cwd() };
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });

  let plugin: PluginDefinition;
  try {
    if (isPluginFactory(checked)) plugin = await checked.create(base);
    else {
      plugin = checked;
      await plugin.setup?.({ ...base, keys: pluginKeys(keyPrefix, plugin.name) });
    }
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const keys = pluginKeys(keyPrefix, plugin.name);
  const tools = new Map(plugin.bundles.flatMap((b) => b.tools).map((t) => [t.name, t]));

  const toolNamed = (name: string): ToolDefinition => {
    const tool = tools.get(name);
    if (!tool) throw new Error(`plugin "${plugin.name}" has no tool "${name}"; it has ${[...tools.keys()].join(', ')}`);
    return tool;
  };

  const listKeys = async (): Promise<string[]> => {
    const found: string[] = [];
    const pattern = `${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };

  return {
    plugin,
    keys,
    keyPrefix,
    redisUrl,
    redis,
    logs,
    tool: toolNamed,
    async run(name, input, ctx = {}) {
      const context = createMemoryToolContext(ctx);
      const result = await runTool(toolNamed(name), input, context);
      return { ...result, ctx: context };
    },
    async endMission(missionId) {
      await plugin.onMissionEnd?.({ missionId, keys });
    },
    listKeys,
    async close() {
      try {
        await plugin.teardown?.();
      } finally {
        const left = await listKeys();
        for (let i = 0; i < left.length; i += 500) await redis.unlink(...left.slice(i, i + 500));
        await redis.quit();
      }
    },
  };
}
