import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_BUDGET } from '@aime/protocol';
import type { TestStack } from '../helpers/stack.ts';
import { DESKTOP, PHONE, launchBrowser, openPage, saveScreenshot, startDashboardStack, type WatchedPage } from './helpers.ts';

let stack: TestStack;
let browser: Browser;
let current: WatchedPage | undefined;
const MODEL = { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true };
/** Mission i costs (i × 37 mod 120) cents: every cost differs, the dearest are spread over the pages. */
const COST = (i: number) => ((i * 37) % 120) / 100;
const costs = new Map<string, number>();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startDashboardStack(), launchBrowser()]);
  // 120 missions straight into the store (no planner is woken: they stay queued), 10 of them failed;
  // each has its own cost, in an order unlike the creation order.
  for (let i = 0; i < 120; i++) {
    const { mission } = await stack.store.createMission({ goal: `Bulk mission ${String(i).padStart(3, '0')}`, model: MODEL, budget: DEFAULT_BUDGET });
    await stack.store.addUsage(mission.id, { promptTokens: 1000 + i, completionTokens: 100, costUsd: COST(i) });
    costs.set(mission.id, COST(i));
    if (i % 12 === 0) await stack.store.setMissionStatus(mission.id, 'failed', { error: { code: 'budget_exceeded', message: `the mission ran out of planner steps (bulk ${i})` } });
  }
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

async function open(viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
  current = await openPage(browser, viewport, stack);
  return current.page;
}

const rows = (page: Page) => page.locator('[data-testid="mission-row"]');

describe('the missions table', () => {
  it('pages through 120 missions with the cursor, 50 at a time, with per-status counts and totals', async () => {
    const page = await open();
    await page.goto(`${stack.url}/`);
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(50);
    await expect.poll(() => page.locator('[data-testid="status-tab"][data-status="all"] .count').textContent()).toBe('120');
    expect(await page.locator('[data-testid="status-tab"][data-status="failed"] .count').textContent()).toBe('10');
    expect(await page.locator('[data-testid="status-tab"][data-status="queued"] .count').textContent()).toBe('110');
    await page.getByTestId('load-more').click();
    await expect.poll(() => rows(page).count()).toBe(100);
    await page.getByTestId('load-more').click();
    await expect.poll(() => rows(page).count()).toBe(120);
    expect(await page.getByTestId('load-more').count()).toBe(0);
    expect(await page.getByTestId('list-totals').textContent()).toMatch(/^120 shown of 120/);
    const ids = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-mission-id')));
    expect(new Set(ids).size).toBe(120);
  });

  it('keeps status, search and sort in the URL, shows the failure reason in the row, and sorts by created time', async () => {
    const page = await open();
    await page.goto(`${stack.url}/`);
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(50);
    await page.locator('[data-testid="status-tab"][data-status="failed"]').click();
    await expect.poll(() => page.url()).toMatch(/#\/\?status=failed$/);
    await expect.poll(() => rows(page).count()).toBe(10);
    expect(await rows(page).first().getByTestId('mission-error').textContent()).toMatch(/ran out of planner steps/);
    await page.getByTestId('sort-createdAt').click();
    await expect.poll(() => page.url()).toMatch(/dir=asc/);
    await expect.poll(() => rows(page).first().locator('.mission-goal').textContent()).toBe('Bulk mission 000');
    await page.getByTestId('mission-search').fill('bulk 108');
    await page.getByTestId('mission-search').press('Enter');
    await expect.poll(() => page.url()).toMatch(/q=bulk\+108/);
    await expect.poll(() => rows(page).count()).toBe(1);
    // A reload (or a shared link) shows the same view.
    await page.reload();
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(1);
    expect(await rows(page).first().locator('.mission-goal').textContent()).toBe('Bulk mission 108');
    expect(await page.getByTestId('mission-search').inputValue()).toBe('bulk 108');
    await saveScreenshot(page, 'missions-table-1280x800');
  });

  it('sorts the whole list by cost on the server: the most expensive first across pages, with totals of every mission', async () => {
    const page = await open();
    await page.goto(`${stack.url}/`);
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(50);
    // Totals cover all 120, not the 50 loaded.
    const all = [...costs.values()].reduce((a, b) => a + b, 0);
    await expect.poll(() => page.getByTestId('list-totals').getAttribute('data-missions')).toBe('120');
    expect(Number(await page.getByTestId('list-totals').getAttribute('data-cost'))).toBeCloseTo(all, 6);
    expect(await page.getByTestId('list-totals').textContent()).toMatch(/^50 shown of 120 · 139\.1k tokens · \$71\.40/);

    await page.getByTestId('sort-cost').click();
    await expect.poll(() => page.url()).toMatch(/sort=cost/);
    const dearest = [...costs].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    await expect.poll(() => rows(page).first().getAttribute('data-mission-id'), { timeout: 20_000 }).toBe(dearest[0]);
    await expect.poll(() => rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-mission-id')))).toEqual(dearest.slice(0, 50));
    await saveScreenshot(page, 'missions-sorted-by-cost-1280x800');
    await page.getByTestId('load-more').click();
    await expect.poll(() => rows(page).count()).toBe(100);
    expect(await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-mission-id')))).toEqual(dearest.slice(0, 100));
  });

  it('finds a mission of page 3 by search without loading the pages before it', async () => {
    const page = await open();
    await page.goto(`${stack.url}/`);
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(50);
    // Newest first, mission 005 is row 115: on the third page.
    expect(await page.locator('.mission-goal', { hasText: 'Bulk mission 005' }).count()).toBe(0);
    await page.getByTestId('mission-search').fill('mission 005');
    await page.getByTestId('mission-search').press('Enter');
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(1);
    expect(await rows(page).first().locator('.mission-goal').textContent()).toBe('Bulk mission 005');
    await expect.poll(() => page.getByTestId('list-totals').getAttribute('data-missions')).toBe('1');
    expect(Number(await page.getByTestId('list-totals').getAttribute('data-cost'))).toBeCloseTo(COST(5), 6);
  });

  it('shows the list above a folded form on a phone, without sideways scrolling', async () => {
    const page = await open(PHONE);
    await page.goto(`${stack.url}/`);
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(50);
    const list = await page.locator('.missions').boundingBox();
    const form = await page.locator('.new-mission-fold').boundingBox();
    expect(list && form && list.y < form.y).toBe(true);
    expect(await page.locator('.new-mission-fold').getAttribute('open')).toBeNull();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await saveScreenshot(page, 'missions-table-390x844');
  });
});
