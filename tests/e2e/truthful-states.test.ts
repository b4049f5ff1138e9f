import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Mission, MissionSummary } from '@aime/protocol';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, type TestStack } from '../helpers/stack.ts';
import { DESKTOP, launchBrowser, openPage, startDashboardStack, type WatchedPage } from './helpers.ts';

const SLOW = (ms: number) => `${REFERENCE_GOAL} [[sim-fault:latency;ms=${ms}]]`;

let stack: TestStack;
let browser: Browser;
let current: WatchedPage | undefined;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startDashboardStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
afterEach(async () => {
  expect(current?.errors ?? []).toEqual([]);
  await current?.close();
  current = undefined;
});

async function open(): Promise<Page> {
  current = await openPage(browser, DESKTOP, stack);
  return current.page;
}

/** What a list row's progress bar says, as data attributes and text. */
async function rowProgress(page: Page, id: string) {
  const bar = page.locator(`[data-testid="mission-row"][data-mission-id="${id}"] [data-testid="mission-progress"]`);
  await bar.waitFor();
  return { succeeded: Number(await bar.getAttribute('data-succeeded')), failed: Number(await bar.getAttribute('data-failed')), cancelled: Number(await bar.getAttribute('data-cancelled')), total: Number(await bar.getAttribute('data-total')), text: (await bar.textContent()) ?? '' };
}

async function pageProgress(page: Page, id: string) {
  await page.goto(`${stack.url}/#/missions/${id}`);
  const bar = page.getByTestId('page-progress');
  await bar.waitFor();
  return { succeeded: Number(await bar.getAttribute('data-succeeded')), failed: Number(await bar.getAttribute('data-failed')), cancelled: Number(await bar.getAttribute('data-cancelled')), total: Number(await bar.getAttribute('data-total')), text: (await bar.textContent()) ?? '' };
}

describe('truthful states', () => {
  it('shows a failed and a cancelled mission’s true progress in the list, the same as on their pages and in the API', async () => {
    // Failed: the token budget runs out part-way. Cancelled: stopped once a task has succeeded.
    const failedId = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT, budget: { maxTokens: 12_000 } });
    const cancelledId = await stack.submit({ goal: SLOW(300), context: REFERENCE_CONTEXT });
    await stack.waitForEvent(cancelledId, (e) => e.type === 'actor.reported', 60_000);
    expect((await stack.api(`/v1/missions/${cancelledId}/cancel`, { method: 'POST' })).status).toBe(202);
    const failed = await stack.waitForStatus(failedId, ['failed'], 90_000);
    await stack.waitForEvent(cancelledId, (e) => e.type === 'mission.finished', 30_000);
    const cancelled = (await stack.api<Mission>(`/v1/missions/${cancelledId}`)).body;

    const page = await open();
    await page.goto(`${stack.url}/`);
    const list = (await stack.api<{ items: MissionSummary[] }>('/v1/missions')).body.items;
    for (const m of [failed, cancelled]) {
      const row = await rowProgress(page, m.id);
      const summary = list.find((s) => s.id === m.id);
      // Not a full bar: some tasks did not succeed, and the row says so in words.
      expect(row.succeeded).toBeLessThan(row.total);
      expect(row.failed + row.cancelled).toBeGreaterThan(0);
      expect(row.text).toMatch(new RegExp(`^${row.succeeded}/${row.total} succeeded`));
      expect(row.text).toMatch(/failed|cancelled/);
      // One computation: the list row, the summary, the mission's `progress` and its page agree.
      expect({ succeeded: summary?.progress.succeeded, total: summary?.progress.total }).toEqual({ succeeded: row.succeeded, total: row.total });
      expect({ succeeded: m.progress?.succeeded, failed: m.progress?.failed, cancelled: m.progress?.cancelled, total: m.progress?.total }).toEqual({ succeeded: row.succeeded, failed: row.failed, cancelled: row.cancelled, total: row.total });
      await page.goto(`${stack.url}/`);
    }
    // The mission page shows the same counts and words as the list row (issue 14's acceptance line), for both.
    for (const id of [failedId, cancelledId]) {
      const onPage = await pageProgress(page, id);
      await page.goto(`${stack.url}/`);
      expect(onPage).toEqual(await rowProgress(page, id));
    }
    // The failure reason is in the failed mission's row.
    await expect.poll(() => page.locator(`[data-testid="mission-row"][data-mission-id="${failedId}"] [data-testid="mission-error"]`).textContent()).toMatch(/budget|token/i);
  });

  it('shows a paused mission’s running tasks as paused and stops its clock', async () => {
    const id = await stack.submit({ goal: SLOW(400), context: REFERENCE_CONTEXT });
    await stack.waitForEvent(id, (e) => e.type === 'actor.spawned', 60_000);
    const page = await open();
    await page.goto(`${stack.url}/#/missions/${id}`);
    await page.getByTestId('btn-pause').click();
    await page.locator('[data-testid="mission-status"][data-status="paused"]').waitFor({ timeout: 30_000 });
    // No task reads `running` while the mission is paused.
    await page.locator('[data-testid="task-row"][data-state="paused"]').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="task-row"][data-state="running"]').count()).toBe(0);
    const api = (await stack.api<Mission>(`/v1/missions/${id}`)).body;
    expect(api.tasks.filter((t) => t.status === 'running').every((t) => t.state === 'paused')).toBe(true);
    // The clock stands still: the same reading over two ticks of the page's one-second timer.
    const first = await page.getByTestId('elapsed').textContent();
    await page.waitForTimeout(2_200);
    expect(await page.getByTestId('elapsed').textContent()).toBe(first);
    await stack.api(`/v1/missions/${id}/cancel`, { method: 'POST' });
  });
});
