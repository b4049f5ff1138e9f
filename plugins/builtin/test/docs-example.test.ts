import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BuiltinConfig } from '@aime/plugin-builtin';
import { McpServerConfig } from '@aime/mcp';
// The example's own tests: importing registers them here, so the plugin the guide shows is the plugin that is tested.
import '../../../docs/examples/hello-plugin/hello.test.ts';
import '../../../docs/examples/hello-plugin/primes.test.ts';

const DOC = fileURLToPath(new URL('../../../docs/plugins.md', import.meta.url));
const EXAMPLE_DIR = fileURLToPath(new URL('../../../docs/examples/hello-plugin/', import.meta.url));

/** The fenced blocks of a Markdown text with their info string. */
function blocks(markdown: string): Array<{ lang: string; code: string }> {
  return [...markdown.matchAll(/^```(\S*)[^\n]*\n([\s\S]*?)^```\s*$/gm)].map((m) => ({ lang: m[1] ?? '', code: m[2] ?? '' }));
}

describe('docs/plugins.md', () => {
  it('shows only TypeScript that is in the tested example files, verbatim', async () => {
    const doc = await readFile(DOC, 'utf8');
    const sources = await Promise.all((await readdir(EXAMPLE_DIR)).filter((f) => f.endsWith('.ts')).map((f) => readFile(`${EXAMPLE_DIR}${f}`, 'utf8')));
    const ts = blocks(doc).filter((b) => b.lang === 'ts');
    expect(ts.length).toBeGreaterThan(2);
    for (const b of ts) {
      expect(sources.some((s) => s.includes(b.code.trimEnd())), `not in docs/examples/hello-plugin:\n${b.code}`).toBe(true);
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
