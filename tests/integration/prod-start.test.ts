/**
 * The production path as a deployment runs it, in a temporary copy of the repository: compiled
 * JavaScript (`scripts/build-workspaces.mjs`) and the built dashboard, then
 * `npm ci --omit=dev` (no TypeScript, no Vite, no vitest) and `npm run start:prod`, which runs
 * plain `node` on dist/ (Node 20 cannot load a .ts file: one left on the path fails the start).
 * It serves the dashboard and runs the reference mission.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mission } from '@aime/protocol';
import { deleteKeys } from '@aime/testing';
import { freePort } from '../helpers/redis-server.ts';
import { REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL } from '../helpers/stack.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'aime-prod-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(copy, { recursive: true, force: true })];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe('npm ci --omit=dev && npm run start:prod', () => {
  it('serves the dashboard and runs the reference mission from compiled JavaScript, without dev dependencies', { timeout: 600_000 }, async () => {
    // The working tree as it is (tracked and new files), without node_modules or any build output.
    const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repo).split('\0').filter(Boolean);
    for (const f of files) if (existsSync(join(repo, f))) cpSync(join(repo, f), join(copy, f));

    // Compiled there with the repository's TypeScript (the copy has no node_modules yet).
    const built = run(process.execPath, [join(repo, 'scripts/build-workspaces.mjs'), '--skip-dashboard'], copy);
    expect(built).toMatch(/built apps\/aime\/dist/);
    // The dashboard bundle from Vite (built here unless the browser tests' setup already did).
    const dashboard = join(repo, 'apps/dashboard/dist');
    if (!existsSync(join(dashboard, 'index.html'))) run('npm', ['run', 'build', '-w', 'apps/dashboard'], repo);
    cpSync(dashboard, join(copy, 'apps/dashboard/dist'), { recursive: true });

    run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], copy);
    const installed = readdirSync(join(copy, 'node_modules'));
    for (const dev of ['typescript', 'vitest', 'vite', 'eslint']) expect(installed).not.toContain(dev);

    const prefix = `test-${randomUUID()}:`;
    cleanups.push(() => deleteKeys(prefix));
    const port = await freePort();
    const key = randomBytes(24).toString('base64url');
    const child = spawn('npm', ['run', 'start:prod'], {
      cwd: copy,
      detached: true,
      env: { ...process.env, REDIS_URL, AIME_PREFIX: prefix, AIME_PORT: String(port), AIME_API_KEYS: `${key}:operator`, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      await exited;
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`start:prod exited with ${child.exitCode}:\n${output}`);
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 600) throw new Error(`start:prod did not serve:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${url}${script!}`)).status).toBe(200);

    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/v1/missions`, { method: 'POST', headers, body: JSON.stringify({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT }) });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    let mission: Mission | undefined;
    for (let i = 0; i < 1200; i++) {
      mission = (await (await fetch(`${url}/v1/missions/${id}`, { headers })).json()) as Mission;
      if (['succeeded', 'failed', 'cancelled'].includes(mission.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(mission?.status).toBe('succeeded');
    expect(mission?.model.simulated).toBe(true);

    // A SIGTERM to the group (npm, its shell, node): node drains every service and exits.
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg?: string; level?: number });
    expect(lines.some((l) => l.msg === 'drained')).toBe(true);
    expect(lines.filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
  });
});
