import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestStack } from '../helpers/stack.ts';
import { DESKTOP, PHONE, launchBrowser, openPage, saveScreenshot, startDashboardStack } from './helpers.ts';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startDashboardStack(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('a failed mission on the dashboard', () => {
  it('leads the page with the failure answer, readable on a desktop and a phone', async () => {
    const id = await stack.submit({ goal: 'Write a haiku about autumn' });
    expect((await stack.waitForStatus(id, ['failed', 'succeeded'], 30_000)).status).toBe('failed');
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const watched = await openPage(browser, viewport, stack);
      const { page } = watched;
      await page.goto(`${stack.url}/#/missions/${id}`);
      const final = page.getByTestId('final-answer');
      await final.waitFor();
      expect(await final.getAttribute('data-status')).toBe('failed');
      expect(await final.locator('h2').textContent()).toBe('This mission failed');
      // Rendered once, as Markdown: the list of cities is a list, not raw asterisks.
      expect(await final.locator('.answer li').first().textContent()).toContain('Seoul, Tokyo, Kyoto, Osaka');
      expect(await final.textContent()).not.toContain('**');
      expect(await final.locator('.banner.error').count()).toBe(0);
      // At the top: above the mission header, and its start inside the first screen.
      const answerBox = await final.boundingBox();
      const headerBox = await page.locator('.mission-header').boundingBox();
      expect(answerBox && headerBox && answerBox.y < headerBox.y).toBe(true);
      expect(answerBox!.y).toBeLessThan(viewport.height / 2);
      // Nothing wider than the screen.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      await saveScreenshot(page, `failed-mission-${name}`);
      expect(watched.errors).toEqual([]);
      await watched.close();
    }
  });
});
