import { Redis, type Cluster } from 'ioredis';
import { definePlugin, PluginError, ToolError, type BundleDefinition, type PluginDefinition } from '@aime/plugin-sdk';
import type { Disruption } from './disruptions.ts';
import { createTravelBundles } from './tools.ts';
import { TravelWorld } from './world.ts';

/** Options of `createTravelPlugin`. */
export interface TravelPluginOptions {
  /** Use this world instead of opening a Redis connection in `setup` (tests, embedding). */
  world?: TravelWorld;
  /**
   * Names of tools that need an operator's approval before each call (e.g. `['book_train']`).
   * A tool's approval flag is fixed when the plugin is defined, so this is a per-plugin
   * choice, not a per-mission one.
   * @default [] (no tool needs approval)
   */
  requireApproval?: string[];
}

/** The bundles with `requiresApproval` set on the named tools. @throws PluginError invalid_option for an unknown name */
function withApprovals(bundles: BundleDefinition[], names: string[]): BundleDefinition[] {
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new PluginError('invalid_option', 'travel plugin: requireApproval must be an array of tool names');
  }
  const known = bundles.flatMap((b) => b.tools.map((t) => t.name));
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new PluginError('invalid_option', `travel plugin: requireApproval names unknown tool(s) ${unknown.join(', ')}; tools: ${known.join(', ')}`);
  if (!names.length) return bundles;
  return bundles.map((b) => ({ ...b, tools: b.tools.map((t) => (names.includes(t.name) ? { ...t, requiresApproval: true } : t)) }));
}

/** The travel plugin plus access to its world (for the runtime's disruption API and tests). */
export interface TravelPlugin extends PluginDefinition {
  /** The world behind the tools. @throws ToolError not_ready before `setup` */
  world(): TravelWorld;
}

/** Host and port only: the URL may carry a password, which must not reach logs. */
function redisHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/**
 * A fresh travel plugin with its own state. `setup` opens its own ioredis connection to
 * `redisUrl` (unless a world was given) and `teardown` closes it.
 */
export function createTravelPlugin(options: TravelPluginOptions = {}): TravelPlugin {
  let world: TravelWorld | undefined = options.world;
  let ownRedis: Redis | Cluster | undefined;
  const getWorld = (): TravelWorld => {
    if (!world) throw new ToolError('not_ready', 'The travel plugin is not set up yet (setup was not called); this is a runtime problem, not something a different call can fix.', { retryable: true });
    return world;
  };
  const plugin = definePlugin({
    name: 'travel',
    version: '0.1.0',
    // Its options are code-level (createTravelPlugin); from aime.config it takes no config, so a
    // key there (e.g. requireApproval) is reported at start. Approvals come from `approvals`.
    configKeys: [],
    bundles: withApprovals(createTravelBundles(getWorld), options.requireApproval ?? []),
    async setup(ctx) {
      if (world) return;
      if (typeof ctx.redisUrl !== 'string' || ctx.redisUrl === '') throw new PluginError('invalid_setup', 'travel plugin: setup needs a redisUrl such as redis://127.0.0.1:6379');
      // The worker's connection factory follows the runtime onto a Redis Cluster; a hand-built context has only the URL.
      const redis = ctx.connectRedis ? ctx.connectRedis({ maxRetriesPerRequest: 3, lazyConnect: true }) : new Redis(ctx.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
      // Without a listener ioredis prints every reconnect error to stderr; route them to the logger.
      redis.on('error', (err: Error) => ctx.logger.warn('travel: redis connection error', { error: err.message }));
      try {
        await redis.connect();
      } catch (err) {
        redis.disconnect();
        throw new PluginError('redis_unreachable', `travel plugin: cannot connect to Redis at ${redisHost(ctx.redisUrl)}: ${(err as Error).message}`);
      }
      ownRedis = redis;
      world = new TravelWorld(redis, { keyPrefix: ctx.keyPrefix });
      ctx.logger.info('travel plugin ready', { keyPrefix: ctx.keyPrefix });
    },
    async teardown() {
      const redis = ownRedis;
      ownRedis = undefined;
      if (redis) {
        world = options.world;
        await redis.quit();
      }
    },
  });
  return Object.assign(plugin, { world: getWorld });
}

/**
 * Applies a disruption to a mission's world right now, idempotently (true the first time).
 * The API path goes through outside events instead; this is for tests and operators' tools.
 */
export function applyDisruption(world: TravelWorld, missionId: string, d: Disruption): Promise<boolean> {
  return world.applyDisruption(missionId, d, 'direct');
}
