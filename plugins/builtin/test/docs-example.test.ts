import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BuiltinConfig } from '@aime/plugin-builtin';
import { McpServerConfig } from '@aime/mcp';
import vitestConfig from '../../../vitest.config.ts';

const DOC = fileURLToPath(new URL('../../../docs/plugins.md', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../../docs/examples/', import.meta.url));

/** The folders under docs/examples/ with the names of their files. */
async function exampleFolders(): Promise<Array<{ dir: string; files: string[] }>> {
  const entries = await readdir(EXAMPLES, { withFileTypes: true });
  return Promise.all(entries.filter((e) => e.isDirectory()).map(async (e) => ({ dir: `${EXAMPLES}${e.name}/`, files: await readdir(`${EXAMPLES}${e.name}`) })));
}

/** The fenced blocks of a Markdown text with their info string. */
function blocks(markdown: string): Array<{ lang: string; code: string }> {
  return [...markdown.matchAll(/^```(\S*)[^\n]*\n([\s\S]*?)^```\s*$/gm)].map((m) => ({ lang: m[1] ?? '', code: m[2] ?? '' }));
}

describe('docs/plugins.md', () => {
  it('has examples whose tests run in the examples project of `npm test`', async () => {
    const folders = await exampleFolders();
    expect(folders.length).toBeGreaterThan(2);
    for (const f of folders) expect(f.files.some((name) => name.endsWith('.test.ts')), `no test in ${f.dir}`).toBe(true);
    const examples = vitestConfig.test?.projects?.find((p) => typeof p === 'object' && 'test' in p && p.test?.name === 'examples');
    expect(examples).toMatchObject({ test: { include: expect.arrayContaining(['docs/examples/**/*.test.{ts,tsx}']) } });
  });

  it('shows only TypeScript that is in the tested example files, verbatim', async () => {
    const doc = await readFile(DOC, 'utf8');
    const folders = await exampleFolders();
    const sources = await Promise.all(folders.flatMap((f) => f.files.filter((name) => name.endsWith('.ts')).map((name) => readFile(`${f.dir}${name}`, 'utf8'))));
    const ts = blocks(doc).filter((b) => b.lang === 'ts');
    expect(ts.length).toBeGreaterThan(2);
    for (const b of ts) {
      expect(sources.some((s) => s.includes(b.code.trimEnd())), `not in a .ts file of docs/examples/*/:\n${b.code}`).toBe(true);
    }
  });

  it('shows config files that parse and whose builtin and MCP parts are valid', async () => {
    const doc = await readFile(DOC, 'utf8');
    const configs = blocks(doc)
      .filter((b) => b.lang === 'json')
      .map((b) => JSON.parse(b.code) as Record<string, unknown>)
      .filter((c) => 'plugins' in c || 'mcpServers' in c);
    expect(configs.length).toBeGreaterThan(0);
    for (const c of configs) {
      for (const entry of (c.plugins ?? []) as unknown[]) {
        if (typeof entry === 'object' && entry !== null && (entry as { module?: unknown }).module === '@aime/plugin-builtin') {
          expect(BuiltinConfig.safeParse((entry as { config?: unknown }).config).success).toBe(true);
        }
      }
      for (const server of (c.mcpServers ?? []) as unknown[]) expect(McpServerConfig.safeParse(server).success, JSON.stringify(server)).toBe(true);
    }
  });
});
