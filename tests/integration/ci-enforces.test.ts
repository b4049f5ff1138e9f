import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

interface Run {
  code: number;
  out: string;
}

/** Runs a command in the repository; resolves with its exit code and output, never rejects on a non-zero exit. */
function run(file: string, args: string[], input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(file, args, { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, out: `${stdout}${stderr}` });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aime-ci-'));
  temps.push(dir);
  return dir;
}

describe('CI enforces typecheck and lint', () => {
  it('.ci/run stops on failure and runs the typecheck and lint before the tests', async () => {
    const script = await readFile(join(root, '.ci/run'), 'utf8');
    expect(script).toMatch(/^set -euo pipefail$/m);
    const steps = script.split('\n').map((line) => line.trim());
    const at = (command: RegExp) => steps.findIndex((line) => command.test(line));
    const typecheck = at(/^npm run typecheck$/);
    const lint = at(/^npm run lint$/);
    const tests = at(/^npm test\b/);
    expect(typecheck).toBeGreaterThan(-1);
    expect(lint).toBeGreaterThan(typecheck);
    expect(tests).toBeGreaterThan(lint);
    // `npm run lint` is ESLint and then the runtime-dependency check.
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.lint).toBe('eslint . && node scripts/check-dependencies.mjs');
  });

  it('fails the lint on a layering break and an undeclared import, with the repository config', async () => {
    const source = "import { startCommander } from '../../../services/commander/src/index.ts';\nimport { Queue } from 'bullmq';\nexport const x = [startCommander, Queue];\n";
    const lint = await run(bin('eslint'), ['--stdin', '--stdin-filename', 'libs/core/src/broken-fixture.ts'], source);
    expect(lint.code).toBe(1);
    expect(lint.out).toContain('Import other packages by name (@aime/...), not by path');
    expect(lint.out).toContain("'bullmq' should be listed in the project's dependencies");
  }, 60_000);

  it('fails the typecheck on a type error, with the repository compiler options', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'broken.ts'), "export const port: number = '7400';\n");
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { noEmit: true, types: [] }, files: ['broken.ts'] }));
    const tsc = await run(bin('tsc'), ['-p', join(dir, 'tsconfig.json')]);
    expect(tsc.code).not.toBe(0);
    expect(tsc.out).toContain("error TS2322: Type 'string' is not assignable to type 'number'.");
  }, 60_000);

  it('fails the dependency check on a runtime dependency that only tests import, and passes once it is a devDependency', async () => {
    const dir = await tempDir();
    const pkgDir = join(dir, 'libs', 'demo');
    await mkdir(join(pkgDir, 'src'), { recursive: true });
    await mkdir(join(pkgDir, 'test'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'root', private: true, workspaces: ['libs/*'] }));
    await writeFile(join(pkgDir, 'src', 'index.ts'), "import { z } from 'zod';\nconst later = () => import('pino');\nexport { z, later };\n");
    await writeFile(join(pkgDir, 'test', 'index.test.ts'), "import { startSimServer } from '@aime/sim';\nexport { startSimServer };\n");
    const manifest = (deps: Record<string, string>, dev: Record<string, string>) => JSON.stringify({ name: '@demo/lib', dependencies: deps, devDependencies: dev });
    await writeFile(join(pkgDir, 'package.json'), manifest({ zod: '4.6.7', pino: '10.4.0', '@aime/sim': '0.1.0' }, {}));

    const failing = await run(process.execPath, [join(root, 'scripts/check-dependencies.mjs'), dir]);
    expect(failing.code).toBe(1);
    expect(failing.out).toContain('libs/demo/package.json: "@aime/sim" is in dependencies, but nothing under libs/demo/src uses it');
    expect(failing.out).not.toContain('"zod"');
    expect(failing.out).not.toContain('"pino"');

    await writeFile(join(pkgDir, 'package.json'), manifest({ zod: '4.6.7', pino: '10.4.0' }, { '@aime/sim': '0.1.0' }));
    const passing = await run(process.execPath, [join(root, 'scripts/check-dependencies.mjs'), dir]);
    expect(passing).toEqual({ code: 0, out: '' });
  });
});
