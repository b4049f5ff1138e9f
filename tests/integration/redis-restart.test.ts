import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startAll } from '@aime/aime';
import type { Mission } from '@aime/protocol';
import { freePort, RedisServer } from '../helpers/redis-server.ts';
import { FIRST_SHINKANSEN, REFERENCE_CONTEXT, REFERENCE_GOAL, withHelpers } from '../helpers/stack.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

describe('a Redis restart mid-mission', () => {
  it('finishes the mission once Redis is back with its AOF', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'aime-redis-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const server = new RedisServer(port, dir);
    await server.start();
    cleanups.push(async () => server.kill());
    const redisUrl = server.url;

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
    await server.shutdown();
    // Down for a while: every service sees its connections fail and keeps reconnecting.
    await new Promise((r) => setTimeout(r, 1_500));
    await server.start();

    const done = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    expect(done.status).toBe('succeeded');
    // Nothing written before the shutdown was lost, and the work went on after it.
    const events = await stack.events(id);
    expect(events.length).toBeGreaterThan(before);
    expect(events.filter((e) => e.type === 'mission.created')).toHaveLength(1);
  });
});
