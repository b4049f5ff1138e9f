import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { startAll, type AllInOneOptions } from '@aime/aime';
import { startActorWorker, type ActorWorkerHandle, type ActorWorkerOptions } from '@aime/actors';
import { modelsConfigFromEnv } from '@aime/models';
import { defineBundle, definePlugin, defineTool, type PluginDefinition } from '@aime/plugin-sdk';
import { isKnownEvent, type Event, type KnownEvent } from '@aime/protocol';
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer, type SimServerHandle } from '@aime/sim';
import { z } from 'zod';
import { REDIS_URL, withHelpers, type TestStack } from './stack.ts';

const require = createRequire(import.meta.url);

/**
 * A plugin author's project in a temporary folder outside the repository: the given files
 * and a node_modules linking `@aime/plugin-sdk` and `zod`, as `npm install` would.
 */
export async function pluginProject(files: Record<string, string>): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'aime-plugin-'));
  await mkdir(join(dir, 'node_modules', '@aime'), { recursive: true });
  await symlink(dirname(dirname(require.resolve('@aime/plugin-sdk'))), join(dir, 'node_modules', '@aime', 'plugin-sdk'), 'dir');
  await symlink(dirname(require.resolve('zod/package.json')), join(dir, 'node_modules', 'zod'), 'dir');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A stack whose test can start and stop more actor workers on its prefix. */
export interface PluginStack extends TestStack {
  /** Starts an actor worker on the stack's prefix (closed with the stack unless closed before). */
  startWorker(opts: Pick<ActorWorkerOptions, 'plugins' | 'config' | 'workerId'>): Promise<ActorWorkerHandle>;
}

/**
 * The all-in-one on a fresh prefix, its actor worker given `plugins` or `config`, plus a sim
 * server of its own for the extra workers a test starts (the sim is stateless).
 */
export async function startPluginStack(opts: Pick<AllInOneOptions, 'plugins' | 'config'>): Promise<PluginStack> {
  const prefix = `test-${randomUUID()}:`;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let sim: SimServerHandle | undefined;
  const workers: ActorWorkerHandle[] = [];
  const app = await startAll({ redisUrl: REDIS_URL, prefix, port: 0, dashboardDir: null, logger, ...opts });
  const stack = withHelpers(app, prefix);
  return {
    ...stack,
    async startWorker(w) {
      sim ??= await startSimServer({ port: 0, worlds: [travelWorld] });
      const models = modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: sim.url });
      const worker = await startActorWorker({ redisUrl: REDIS_URL, prefix, models, logger, pollMs: 100, heartbeatMs: 1000, ...w });
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await sim?.close();
      await stack.close();
    },
  };
}

/** The mission's events of one type. */
export function eventsOfType<T extends KnownEvent['type']>(events: Event[], type: T): Array<Extract<KnownEvent, { type: T }>> {
  return events.filter((e): e is Extract<KnownEvent, { type: T }> => isKnownEvent(e) && e.type === type);
}

/** Source of a plugin module, written as a plugin author would, with one bundle and one tool. */
export function pluginSource(o: { plugin: string; bundle: string; tool: string; setupThrows?: string }): string {
  return `
import { definePlugin, defineBundle, defineTool } from '@aime/plugin-sdk';
import { z } from 'zod';

let greeting = '';
const tool = defineTool({
  name: '${o.tool}',
  description: 'Upper-cases the text and adds the configured greeting.',
  input: z.object({ text: z.string() }),
  sideEffects: 'none',
  run: ({ text }) => ({ result: text.toUpperCase(), greeting }),
});

export default definePlugin({
  name: '${o.plugin}',
  version: '1.0.0',
  bundles: [defineBundle({ name: '${o.bundle}', description: 'Tools of the ${o.plugin} plugin.', tools: [tool] })],
  setup(ctx) {
    ${o.setupThrows ? `throw new Error(${JSON.stringify(o.setupThrows)});` : "greeting = String(ctx.config.greeting ?? '');"}
  },
});
`;
}

/** The same kind of plugin, defined in the test itself: one bundle with one upper-casing tool. */
export function inlinePlugin(o: { plugin: string; bundle: string; tool: string }): PluginDefinition {
  const tool = defineTool({
    name: o.tool,
    description: 'Upper-cases the text.',
    input: z.object({ text: z.string() }),
    sideEffects: 'none',
    run: ({ text }) => ({ result: text.toUpperCase() }),
  });
  return definePlugin({ name: o.plugin, version: '1.0.0', bundles: [defineBundle({ name: o.bundle, description: `Tools of the ${o.plugin} plugin.`, tools: [tool] })] });
}
