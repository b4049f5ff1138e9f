import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadConfig, startActorWorker, type ActorWorkerHandle } from '@aime/actors';
import { modelsConfigFromEnv } from '@aime/models';
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer, type SimServerHandle } from '@aime/sim';
import { pino } from 'pino';
import { REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';
import { ARTIFACTS_DIR, DASHBOARD_DIR, launchBrowser, openPage } from './helpers.ts';

// Two actor workers of one slot each and a sim that takes 200 ms per answer: a few missions
// at once give the actors' queue a backlog the page must show.
let stack: TestStack;
let sim: SimServerHandle;
let second: ActorWorkerHandle;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ dashboardDir: DASHBOARD_DIR, simLatencyMs: 200, actorConcurrency: 1 });
  sim = await startSimServer({ port: 0, latencyMs: 200, worlds: [travelWorld] });
  second = await startActorWorker({
    redisUrl: REDIS_URL,
    prefix: stack.prefix,
    models: modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: sim.url }),
    config: await loadConfig({ env: {} }),
    concurrency: 1,
    workerId: 'actors-second',
    logger: pino({ level: 'silent' }),
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await second?.close();
  await sim?.close();
  await stack?.close();
});

describe('the system page', () => {
  it('shows two live actor workers and a queue depth that rises while missions wait', async () => {
    const { page, errors, close } = await openPage(browser, undefined, stack);
    try {
      await page.goto(`${stack.url}/#/system`);
      await page.waitForSelector('[data-testid="system-worker"]');
      await expect.poll(() => page.locator('[data-testid="system-worker"]').count(), { timeout: 30_000 }).toBe(2);
      const workers = await page.$$eval('[data-testid="system-worker"]', (rows) => rows.map((r) => ({ id: r.getAttribute('data-worker-id'), slots: r.getAttribute('data-concurrency'), text: r.textContent ?? '' })));
      expect(workers.map((w) => w.id)).toContain('actors-second');
      for (const w of workers) {
        expect(w.slots).toBe('1');
        expect(w.text).toContain('trains');
      }
      expect(await page.textContent('[data-testid="worker-count"]')).toBe('2 live');
      const actorQueue = await page.$eval('[data-testid="queue-row"][data-kind="actors"]', (r) => ({ name: r.getAttribute('data-queue'), waiting: Number(r.getAttribute('data-waiting')) }));
      expect(actorQueue.waiting).toBe(0);
      expect(Number(await page.textContent('[data-testid="redis-clients"]'))).toBeGreaterThan(0);

      // Four trips at once: far more actors than the two slots.
      const ids = await Promise.all([1, 2, 3, 4].map(() => stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT })));
      await expect.poll(async () => Number((await page.locator(`[data-testid="queue-row"][data-queue="${actorQueue.name}"]`).getAttribute('data-waiting')) ?? 0), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
      // Both workers are busy on their one slot while the backlog waits.
      await expect.poll(() => page.$$eval('[data-testid="system-worker"]', (rows) => rows.every((r) => r.getAttribute('data-busy') === '1')), { timeout: 30_000 }).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS_DIR}/system-page.png`, fullPage: true });
      for (const id of ids) await stack.api(`/v1/missions/${id}/cancel`, { method: 'POST' });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
