import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTravelPlugin } from '@aime/plugin-travel';
import type { Approval, Event, Mission } from '@aime/protocol';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';
import { DASHBOARD_DIR, DESKTOP, PHONE, launchBrowser, openPage, saveScreenshot, type WatchedPage } from './helpers.ts';

let stack: TestStack;
let browser: Browser;
let current: WatchedPage | undefined;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({ dashboardDir: DASHBOARD_DIR, simLatencyMs: 40, plugins: [createTravelPlugin({ requireApproval: ['book_train'] })] }),
    launchBrowser(),
  ]);
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

async function waitForApproval(missionId: string): Promise<Approval> {
  const e = await stack.waitForEvent(missionId, (x: Event) => x.type === 'approval.requested', 90_000);
  return (e.data as { approval: Approval }).approval;
}

/** True when the element's box starts inside the first screen (no scrolling needed to see it). */
async function inFirstScreen(page: Page, selector: string, viewport: { height: number }): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  return box !== null && box.y >= 0 && box.y + 40 <= viewport.height;
}

describe('approvals', () => {
  it('shows a pending approval in the first screen with price, budget, side effects, reason and full arguments, on a desktop and a phone; the header counts it and links to the inbox', async () => {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const approval = await waitForApproval(id);
    expect(approval).toMatchObject({ tool: 'book_train', sideEffects: 'external', estimate: { currency: 'JPY', budgetCurrency: 'JPY' } });
    expect(approval.thought ?? '').not.toBe('');

    for (const [viewport, name] of [[DESKTOP, '1280x800'], [PHONE, '390x844']] as const) {
      const page = await open(viewport);
      await page.goto(`${stack.url}/#/missions/${id}`);
      const card = page.locator(`[data-testid="approval"][data-approval-id="${approval.id}"]`);
      await card.waitFor({ timeout: 30_000 });
      expect(await inFirstScreen(page, '[data-testid="attention-bar"]', viewport), `attention bar in the first screen at ${name}`).toBe(true);
      expect(await inFirstScreen(page, `[data-approval-id="${approval.id}"] [data-testid="btn-approve"]`, viewport), `approve button in the first screen at ${name}`).toBe(true);
      expect(await card.getByTestId('approval-price').textContent()).toMatch(/¥[\d,]+.*budget left/);
      expect(await card.getByTestId('approval-side-effects').textContent()).toBe('acts in the outside world');
      expect(await card.getByTestId('approval-thought').textContent()).toContain(approval.thought?.slice(0, 20) ?? '');
      await card.locator('.approval-args summary').click();
      expect(JSON.parse((await card.getByTestId('approval-args').textContent()) ?? '')).toEqual(approval.args);
      expect(Number(await page.getByTestId('approvals-badge').getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
      // Nothing wider than the screen (the full arguments wrap).
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      await saveScreenshot(page, `attention-bar-${name}`);
      await current?.close();
      current = undefined;
    }

    const page = await open();
    await page.goto(`${stack.url}/#/missions/${id}`);
    await page.getByTestId('approvals-badge').click();
    await page.waitForURL(/#\/approvals$/);
    const inInbox = page.getByTestId('approval-inbox').locator(`[data-approval-id="${approval.id}"]`);
    await inInbox.waitFor();
    expect(await inInbox.textContent()).toContain(REFERENCE_GOAL.slice(0, 30));
    // Approve from the inbox with the keyboard: focus the card, press a.
    await inInbox.focus();
    await page.keyboard.press('a');
    await expect.poll(async () => (await stack.api<{ items: Approval[] }>(`/v1/missions/${id}/approvals`)).body.items.find((a) => a.id === approval.id)?.status, { timeout: 15_000 }).toBe('approved');
    await stack.api(`/v1/missions/${id}/cancel`, { method: 'POST' });
  });

  it('rejects with a note: the task reports blocked with the note, the decision shows who, when and what', async () => {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const approval = await waitForApproval(id);
    const page = await open();
    await page.goto(`${stack.url}/#/missions/${id}`);
    const card = page.locator(`[data-testid="approval"][data-approval-id="${approval.id}"]`);
    await card.locator('input').fill('too early in the day');
    await card.getByTestId('btn-reject').click();
    const resolved = page.locator('[data-testid="resolved-approval"][data-status="rejected"]').first();
    await resolved.waitFor({ timeout: 15_000 });
    expect(await resolved.textContent()).toMatch(/rejected.*book_train.*by local operator at \d{2}:\d{2}:\d{2}.*too early in the day/s);
    // Who: the API principal the store recorded from the decision (the generated operator token's is `local`).
    const decided = (await stack.api<{ items: Approval[] }>(`/v1/missions/${id}/approvals`)).body.items.find((a) => a.id === approval.id);
    expect(decided).toMatchObject({ status: 'rejected', decidedBy: 'local', note: 'too early in the day', resolvedAt: expect.any(String) });
    expect(await resolved.getByTestId('decided-by').getAttribute('data-principal')).toBe('local');
    // When: the decision's own time. What: the full arguments of the call.
    expect(await resolved.locator('time').getAttribute('datetime')).toBe(decided?.resolvedAt);
    expect(JSON.parse((await resolved.getByTestId('resolved-args').textContent()) ?? 'null')).toEqual(approval.args);
    await expect
      .poll(async () => (await stack.api<Mission>(`/v1/missions/${id}`)).body.tasks.find((t) => t.id === approval.taskId)?.report, { timeout: 60_000 })
      .toMatchObject({ status: 'blocked', summary: expect.stringContaining('too early in the day') });
    await stack.api(`/v1/missions/${id}/cancel`, { method: 'POST' });
  });
});
