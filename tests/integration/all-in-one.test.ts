import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mission } from '@aime/protocol';
import { deletePrefix, REDIS_URL } from '../helpers/stack.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const prefix = `test-${randomUUID()}:`;
let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await deletePrefix(prefix);
});

describe('the all-in-one start', () => {
  it('starts the whole stack as one process, prints a dashboard URL with its operator token, and runs a goal sent with that token', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'apps/aime/src/main.ts'], {
      env: { ...process.env, AIME_PORT: String(port), AIME_PREFIX: prefix, REDIS_URL, LOG_LEVEL: 'warn', OPENAI_API_KEY: '', AIME_MODEL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    const until = Date.now() + 30_000;
    while (!out.includes('Aime Runtime is running')) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toMatch(/simulated/);
    // No API keys: the banner prints the dashboard URL with a generated operator token, once.
    const token = new RegExp(`${base}/#token=([A-Za-z0-9_-]{43})`).exec(out)?.[1];
    if (!token) throw new Error(`no dashboard URL with a token in:\n${out}`);
    expect(out.split(token).length - 1).toBe(1);
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${base}/v1/missions`)).status).toBe(401);

    const created = await fetch(`${base}/v1/missions`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ goal: 'Tokyo then Kyoto for two adults, 3 nights from Dec 3 2026' }) });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    let mission: Mission | undefined;
    for (const end = Date.now() + 60_000; Date.now() < end; ) {
      mission = (await (await fetch(`${base}/v1/missions/${id}`, { headers: auth })).json()) as Mission;
      if (['succeeded', 'failed', 'cancelled'].includes(mission.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(mission?.status).toBe('succeeded');
    expect(mission?.result?.answer.length).toBeGreaterThan(0);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
