import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Event, LedgerResponse, Mission } from '@aime/protocol';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, type TestStack } from '../helpers/stack.ts';
import { DESKTOP, PHONE, launchBrowser, openPage, saveScreenshot, startDashboardStack, type WatchedPage } from './helpers.ts';

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

async function open(viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
  current = await openPage(browser, viewport, stack);
  return current.page;
}

describe('plan history', () => {
  it('shows the travel example’s sell-out as a plan change with the planner’s reason and the replaced task linked, in the graph and the final answer', async () => {
    const page = await open();
    await page.goto(`${stack.url}/`);
    await page.getByRole('button', { name: 'Use the travel example' }).click();
    await page.getByTestId('btn-submit').click();
    await page.waitForURL(/#\/missions\/m_/);
    const id = decodeURIComponent(page.url().split('#/missions/')[1] ?? '');
    const done = await stack.waitForStatus(id, ['succeeded', 'failed'], 120_000);
    expect(done.status).toBe('succeeded');

    const replaced = done.tasks.find((t) => t.status === 'skipped' && t.replacedBy);
    expect(replaced, 'a task replaced after the sell-out').toBeDefined();
    const link = page.locator(`[data-testid="plan-replaced"][data-from="${replaced?.id}"][data-to="${replaced?.replacedBy}"]`);
    await link.waitFor({ timeout: 30_000 });
    const change = page.locator('[data-testid="plan-change"]', { has: link });
    expect(await change.getByTestId('plan-thought').textContent()).toMatch(/Replanning/);
    expect(await change.getByTestId('plan-cause').count()).toBeGreaterThan(0);
    // The replaced task in the progress list links to its replacement; the search that chose the sold-out train is marked stale.
    expect(await page.locator(`#task-${replaced?.id} [data-testid="replaced-by"]`).getAttribute('data-to')).toBe(replaced?.replacedBy);
    expect(done.tasks.some((t) => t.stale && t.status === 'succeeded')).toBe(true);
    await page.locator('.react-flow__edge.edge-replaced').first().waitFor();
    // The final answer names the disruption handled.
    expect(done.result?.answer).toMatch(/## Changes along the way[\s\S]*replaced by/);
    await expect.poll(() => page.getByTestId('final-answer').textContent()).toMatch(/Changes along the way/);
    await change.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'plan-history-1280x800');
    // The replacement opens from its graph node, with the actor's steps (docs/operators.md shows it).
    await page.getByTestId('graph-card').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'task-graph-travel-1280x800');
    await page.locator(`[data-testid="graph-node"][data-task-id="${replaced?.replacedBy}"]`).click();
    const drawer = page.locator(`[data-testid="task-drawer"][data-task-id="${replaced?.replacedBy}"]`);
    await drawer.getByTestId('drawer-step').first().waitFor();
    await saveScreenshot(page, 'task-drawer-1280x800');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    const phone = await openPage(browser, PHONE, stack);
    try {
      await phone.page.goto(`${stack.url}/#/missions/${id}`);
      const l = phone.page.locator(`[data-testid="plan-replaced"][data-from="${replaced?.id}"]`);
      await l.waitFor({ timeout: 30_000 });
      await l.scrollIntoViewIfNeeded();
      expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await saveScreenshot(phone.page, 'plan-history-390x844');
      await phone.page.locator(`[data-testid="outline-row"][data-task-id="${replaced?.replacedBy}"]`).click();
      await phone.page.locator(`[data-testid="task-drawer"][data-task-id="${replaced?.replacedBy}"] [data-testid="drawer-step"]`).first().waitFor();
      await saveScreenshot(phone.page, 'task-drawer-390x844');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});

describe('side-effect ledger', () => {
  it('asks before a cancel, with a reason, listing the bookings that stay done; after it the page and the API list them', async () => {
    const id = await stack.submit({ goal: SLOW(300), context: REFERENCE_CONTEXT });
    const effect = await stack.waitForEvent(id, (e: Event) => e.type === 'effect.recorded', 120_000);
    const reference = (effect.data as { effects: Array<{ reference: string }> }).effects[0]?.reference ?? '';
    expect(reference).not.toBe('');

    const page = await open();
    await page.goto(`${stack.url}/#/missions/${id}`);
    await page.locator(`[data-testid="ledger"] [data-testid="ledger-row"][data-reference="${reference}"]`).waitFor({ timeout: 30_000 });
    // The now line says who works on what; the timeline hides usage rows until asked, and says
    // which task a selected event belongs to.
    await page.getByTestId('now-line').waitFor();
    // The events arrive after the snapshot: until then the line waits for the planner's first step.
    await expect.poll(() => page.getByTestId('now-line').textContent(), { timeout: 15_000 }).toMatch(/Planner/);
    await page.locator('[data-testid="event-row"]').first().waitFor();
    expect(await page.locator('[data-testid="event-row"][data-type="usage"]').count()).toBe(0);
    await page.getByTestId('show-usage').check();
    await page.getByTestId('filter-type').selectOption('usage');
    await expect.poll(() => page.locator('[data-testid="event-row"][data-type="usage"]').count()).toBeGreaterThan(0);
    await page.getByTestId('filter-type').selectOption('');
    await page.getByTestId('btn-cancel').click();
    const confirm = page.getByTestId('cancel-confirm');
    await confirm.locator(`[data-testid="ledger-row"][data-reference="${reference}"]`).waitFor();
    expect(await stack.api<Mission>(`/v1/missions/${id}`).then((r) => r.body.status)).not.toBe('cancelled');
    await page.getByTestId('cancel-reason').fill('the client called the trip off');
    await page.getByTestId('btn-confirm-cancel').click();
    await page.locator('[data-testid="mission-status"][data-status="cancelled"]').waitFor({ timeout: 30_000 });

    await page.getByTestId('ledger-after-cancel').waitFor({ timeout: 15_000 });
    expect(await page.locator(`[data-testid="ledger"] [data-testid="ledger-row"][data-reference="${reference}"]`).count()).toBe(1);
    expect(await page.getByTestId('ledger-total').first().textContent()).toMatch(/¥[\d,]+/);
    const ledger = (await stack.api<LedgerResponse>(`/v1/missions/${id}/ledger`)).body;
    expect(ledger.items.map((i) => i.reference)).toContain(reference);
    const statusEvents = (await stack.events(id)).filter((e) => e.type === 'mission.status').map((e) => e.data as { to: string; reason?: string });
    expect(statusEvents.find((s) => s.to === 'cancelled')?.reason).toContain('the client called the trip off');
    // The page leads with the cancel and its reason.
    await expect.poll(() => page.getByTestId('final-cancel-reason').textContent(), { timeout: 15_000 }).toMatch(/^Cancelled by operator: the client called the trip off\.$/);
    await page.getByTestId('ledger').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'ledger-after-cancel-1280x800');

    const phone = await openPage(browser, PHONE, stack);
    try {
      await phone.page.goto(`${stack.url}/#/missions/${id}`);
      await phone.page.getByTestId('ledger-after-cancel').waitFor({ timeout: 15_000 });
      await phone.page.getByTestId('ledger').scrollIntoViewIfNeeded();
      await saveScreenshot(phone.page, 'ledger-after-cancel-390x844');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
