import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { registerWorld, unregisterWorld } from '@aime/sim';
import type { Mission } from '@aime/protocol';
import { benchPlugin, benchWorld } from '../../bench/world/index.ts';
import { startStack, type TestStack } from '../helpers/stack.ts';
import { DASHBOARD_DIR, DESKTOP, PHONE, launchBrowser, openPage, saveScreenshot, type WatchedPage } from './helpers.ts';

// 23 leaves in three groups: 26 tasks, subtasks under each group, each group after the one before.
const GOAL = 'bench: graph of 23 tasks';

let stack: TestStack;
let browser: Browser;
let current: WatchedPage | undefined;
let mission: Mission;

beforeAll(async () => {
  registerWorld(benchWorld);
  [stack, browser] = await Promise.all([startStack({ dashboardDir: DASHBOARD_DIR, simLatencyMs: 10, plugins: [benchPlugin], actorConcurrency: 4 }), launchBrowser()]);
  const id = await stack.submit({ goal: GOAL });
  mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 110_000);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  unregisterWorld(benchWorld.name);
});
afterEach(async () => {
  expect(current?.errors ?? []).toEqual([]);
  await current?.close();
  current = undefined;
});

async function openMission(viewport: { width: number; height: number }): Promise<Page> {
  current = await openPage(browser, viewport, stack);
  const page = current.page;
  await page.goto(`${stack.url}/#/missions/${mission.id}`);
  return page;
}

/** Each graph label's font size as drawn: its computed size times the graph's zoom. */
async function labelPixels(page: Page): Promise<number[]> {
  // A string, not a function: the test's tsconfig has no DOM types.
  return (await page.evaluate(`(() => {
    const vp = document.querySelector('.react-flow__viewport');
    const zoom = new DOMMatrix(getComputedStyle(vp).transform).a;
    return [...document.querySelectorAll('.graph-node-title, .graph-node-status')].map((el) => parseFloat(getComputedStyle(el).fontSize) * zoom);
  })()`)) as number[];
}

/** The focused element, as the graph sees it. */
function focused(page: Page): Promise<{ graphNode: string | null; tabIndex: number; outline: string; testId: string | null }> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    const s = el ? getComputedStyle(el) : null;
    return {
      graphNode: el && el.getAttribute('data-testid') === 'graph-node' ? el.getAttribute('data-task-id') : null,
      tabIndex: el ? el.tabIndex : -2,
      outline: s ? s.outlineStyle + ' ' + s.outlineWidth : '',
      testId: el ? el.getAttribute('data-testid') : null,
    };
  })()`) as never;
}

describe('task drawer and readable graphs', () => {
  it('draws a 26-task graph with labels of at least 11 px at the default zoom, and in full screen', async () => {
    expect(mission.status).toBe('succeeded');
    expect(mission.tasks).toHaveLength(26);
    const page = await openMission(DESKTOP);
    await expect.poll(() => page.getByTestId('graph-node').count(), { timeout: 15_000 }).toBe(26);
    // The default view is settled once the fitted viewport stops changing.
    await expect.poll(async () => Math.min(...(await labelPixels(page))), { timeout: 10_000 }).toBeGreaterThanOrEqual(11);
    const sizes = await labelPixels(page);
    expect(sizes).toHaveLength(52);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    await page.getByTestId('graph-card').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'task-graph-26-1280x800');

    await page.getByTestId('graph-fullscreen').click();
    await page.locator('[data-testid="graph-card"][data-full="true"]').waitFor();
    const box = await page.getByTestId('graph-card').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: DESKTOP.width, height: DESKTOP.height });
    await expect.poll(async () => Math.min(...(await labelPixels(page))), { timeout: 10_000 }).toBeGreaterThanOrEqual(11);
    await saveScreenshot(page, 'task-graph-fullscreen-1280x800');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="graph-card"][data-full="false"]').waitFor();
  });

  it('is one Tab stop with arrow keys moving between nodes and a visible focus ring; Enter opens the task in a drawer', async () => {
    const page = await openMission(DESKTOP);
    await expect.poll(() => page.getByTestId('graph-node').count(), { timeout: 15_000 }).toBe(26);
    // The first Tab stop is the skip link; it moves focus to the page's main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.className')).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    // Exactly one node is in the Tab order.
    expect(await page.locator('[data-testid="graph-node"][tabindex="0"]').count()).toBe(1);
    expect(await page.locator('.react-flow [tabindex="0"]').count()).toBe(1);

    // Tab from the control right before the graph enters it once, on the first task.
    await page.getByTestId('graph-fullscreen').focus();
    await page.keyboard.press('Tab');
    const entered = await focused(page);
    expect(entered.graphNode).toBe('g1');
    expect(entered.outline).toMatch(/^solid [3-9]/);
    // The next Tab leaves the graph: the other 25 nodes are no Tab stops.
    await page.keyboard.press('Tab');
    expect((await focused(page)).graphNode).toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).graphNode).toBe('g1');

    // Arrow keys move between nodes; the Tab stop moves along (roving tabindex).
    await page.keyboard.press('ArrowRight');
    const right = (await focused(page)).graphNode;
    expect(right).not.toBeNull();
    expect(right).not.toBe('g1');
    await page.keyboard.press('ArrowDown');
    const down = await focused(page);
    expect(down.graphNode).not.toBeNull();
    expect(down.graphNode).not.toBe(right);
    expect(down.tabIndex).toBe(0);
    expect(down.outline).toMatch(/^solid [3-9]/);
    expect(await page.locator('[data-testid="graph-node"][tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('ArrowUp');
    expect((await focused(page)).graphNode).toBe(right);

    // Enter opens the focused task: criteria, report, the actor's steps from the transcript, its events.
    await page.keyboard.press('Enter');
    const drawer = page.locator(`[data-testid="task-drawer"][data-task-id="${right}"]`);
    await drawer.waitFor();
    const task = mission.tasks.find((t) => t.id === right)!;
    expect(await drawer.getByTestId('drawer-criteria').textContent()).toBe(task.completionCriteria);
    expect(await drawer.getByTestId('drawer-report').textContent()).toContain(task.report?.summary ?? '(no report)');
    await drawer.getByTestId('drawer-step').first().waitFor();
    expect(await drawer.getByTestId('drawer-step').first().textContent()).toContain('bench_noop');
    expect(await drawer.locator('[data-testid="drawer-event"][data-type="actor.reported"]').count()).toBe(1);
    await saveScreenshot(page, 'task-drawer-bench-1280x800');

    // Its group lists its subtasks together; Escape closes, and focus returns to the graph.
    await drawer.getByRole('button', { name: /Bench group 1/ }).click();
    const group = page.locator('[data-testid="task-drawer"][data-task-id="g1"]');
    await group.waitFor();
    expect(await group.getByTestId('drawer-subtask').count()).toBe(10);
    await page.keyboard.press('Escape');
    await page.getByTestId('task-drawer').waitFor({ state: 'detached' });
    expect((await focused(page)).graphNode).toBe(right);
  });

  it('opens a task from its progress-list row, by click and by Enter', async () => {
    const page = await openMission(DESKTOP);
    const open = page.locator('[data-testid="task-row"][data-task-id="t05"] [data-testid="task-open"]');
    await open.click();
    await page.locator('[data-testid="task-drawer"][data-task-id="t05"]').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('task-drawer').waitFor({ state: 'detached' });
    await page.locator('[data-testid="task-row"][data-task-id="t12"] [data-testid="task-open"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="task-drawer"][data-task-id="t12"]').waitFor();
  });

  it('shows a list instead of the graph on a phone, each row opening its task', async () => {
    const page = await openMission(PHONE);
    await page.getByTestId('task-outline').waitFor();
    expect(await page.getByTestId('outline-row').count()).toBe(26);
    expect(await page.locator('.react-flow').count()).toBe(0);
    // Readable: no row's text is below 11 px, and a row fits the screen.
    const row = page.locator('[data-testid="outline-row"][data-task-id="t21"]');
    const px = Number(await page.evaluate(`Math.min(...[...document.querySelectorAll('[data-testid="outline-row"] *')].map((el) => parseFloat(getComputedStyle(el).fontSize)))`));
    expect(px).toBeGreaterThanOrEqual(11);
    expect((await row.boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);
    await page.getByTestId('task-outline').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'task-outline-390x844');
    await row.click();
    const drawer = page.locator('[data-testid="task-drawer"][data-task-id="t21"]');
    await drawer.waitFor();
    expect((await drawer.boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);
    await drawer.getByTestId('drawer-step').first().waitFor();
    await saveScreenshot(page, 'task-drawer-bench-390x844');
  });
});
