import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * A temporary plugin project outside the repository: the given files, and a node_modules that
 * links `@aime/plugin-sdk` and `zod` (as `npm install` would), so plugin files import them by name.
 */
export async function pluginDir(files: Record<string, string>): Promise<{ dir: string; cleanup(): Promise<void> }> {
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

/** A plugin module with one bundle and one tool that upper-cases its input. */
export const SHOUT_PLUGIN = `
import { definePlugin, defineBundle, defineTool } from '@aime/plugin-sdk';
import { z } from 'zod';

let greeting = 'none';
const shout = defineTool({
  name: 'shout',
  description: 'Upper-cases the text.',
  input: z.object({ text: z.string() }),
  sideEffects: 'none',
  run: ({ text }) => ({ shouted: text.toUpperCase(), greeting }),
});

export default definePlugin({
  name: 'shouting',
  version: '1.0.0',
  bundles: [defineBundle({ name: 'shouting', description: 'Tools that shout.', tools: [shout] })],
  setup: (ctx) => {
    greeting = String(ctx.config.greeting ?? 'none');
  },
});
`;
