import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startAll } from '@aime/aime';
import type { Mission } from '@aime/protocol';
import { FIRST_SHINKANSEN, REFERENCE_CONTEXT, REFERENCE_GOAL, withHelpers } from '../helpers/stack.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/** A redis-server of this test's own, with AOF in `dir`; resolves once it answers PING. */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--dir', dir], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  try {
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (await probe.ping().then((r) => r === 'PONG', () => false)) return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('redis-server did not answer');
  } finally {
    probe.disconnect();
  }
}

describe('a Redis restart mid-mission', () => {
  it('finishes the mission once Redis is back with its AOF', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'aime-redis-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    let server = await startRedis(port, dir);
    cleanups.push(async () => void server.kill('SIGKILL'));
    const redisUrl = `redis://127.0.0.1:${port}`;

    const prefix = `test-${randomUUID()}:`;
    const app = await startAll({ redisUrl, prefix, port: 0, dashboardDir: null, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    cleanups.push(() => app.close());
    const stack = withHelpers(app, prefix);

    // The train sells out after the search: a longer mission, with a replan after the restart.
    const context = { ...REFERENCE_CONTEXT, disruptions: [{ kind: 'sell_out_train', trainId: FIRST_SHINKANSEN, trigger: 'after_search' }] };
    const id = await stack.submit({ goal: REFERENCE_GOAL, context });
    await stack.waitForEvent(id, (e) => e.type === 'actor.step', 30_000);
    expect((await stack.api<Mission>(`/v1/missions/${id}`)).body.status).toBe('running');
    const before = (await stack.events(id)).length;

    // SHUTDOWN writes the AOF out; the same dir brings every key back on the restart.
    const admin = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
    const exited = new Promise((r) => server.once('exit', r));
    await admin.call('SHUTDOWN').catch(() => undefined);
    admin.disconnect();
    await exited;
    // Down for a while: every service sees its connections fail and keeps reconnecting.
    await new Promise((r) => setTimeout(r, 1_500));
    server = await startRedis(port, dir);

    const done = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    expect(done.status).toBe('succeeded');
    // Nothing written before the shutdown was lost, and the work went on after it.
    const events = await stack.events(id);
    expect(events.length).toBeGreaterThan(before);
    expect(events.filter((e) => e.type === 'mission.created')).toHaveLength(1);
  });
});
