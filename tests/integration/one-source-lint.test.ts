import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The rule ids and messages ESLint reports for `code` as if it were the file `path` of the repository. */
async function lint(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint keeps error messages and zod-issue text to one source', () => {
  it('refuses a hand-written error message and a hand-formatted zod issue list in package source', async () => {
    const code = [
      "export const m = (err: unknown): string => (err instanceof Error ? err.message : String(err));",
      "export const n = (e: { issues: { message: string }[] }): string => e.issues.map((i) => i.message).join('; ');",
      '',
    ].join('\n');
    const messages = await lint('services/actors/src/lint-probe.ts', code);
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-syntax: Use errorMessage\(err\)/), expect.stringMatching(/^no-restricted-syntax: Format zod issues with formatIssues/)]);
  });

  it('accepts the protocol helpers', async () => {
    const code = [
      "import { errorMessage, formatIssues } from '@aime/protocol';",
      '',
      'export const m = (err: unknown): string => errorMessage(err);',
      "export const n = (e: { issues: { path: PropertyKey[]; message: string }[] }): string => formatIssues(e.issues, { style: 'inline' });",
      '',
    ].join('\n');
    expect(await lint('services/actors/src/lint-probe.ts', code)).toEqual([]);
  });
});
