import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { compareEventIds, type Event, type Mission } from '@aime/protocol';
import { dashboardUrlWithToken } from '@aime/commander';
import { FIRST_SHINKANSEN, REFERENCE_CONTEXT, REFERENCE_GOAL, type TestStack } from '../helpers/stack.ts';
import {
  DESKTOP,
  PHONE,
  gatewayOf,
  hasSubsequence,
  installRecorder,
  launchBrowser,
  openPage,
  recorded,
  saveScreenshot,
  startDashboardStack,
  taskRow,
  timelineEventIds,
  type WatchedPage,
} from './helpers.ts';

const FINISHED = '[data-testid="mission-status"][data-status="succeeded"], [data-testid="mission-status"][data-status="failed"], [data-testid="mission-status"][data-status="cancelled"]';
/** Slows every model call of a mission, so there is time to watch and click. */
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
  await current?.close();
  current = undefined;
});

/** A fresh page for this test; its console errors are checked by `expectNoErrors`. */
async function open(viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
  current = await openPage(browser, viewport, stack);
  await installRecorder(current.page);
  return current.page;
}

function expectNoErrors(): void {
  expect(current?.errors ?? []).toEqual([]);
}

async function openMission(page: Page, id: string): Promise<void> {
  await page.goto(`${stack.url}/#/missions/${id}`);
  await page.getByTestId('mission-status').waitFor();
}

describe('the live dashboard', () => {
  it('runs the reference mission submitted from the form, with tasks turning pending → running → succeeded live', async () => {
    const page = await open();
    await page.goto(`${stack.url}/`);
    const { loadId } = await recorded(page);
    await page.getByRole('button', { name: 'Use the travel example' }).click();
    await expect.poll(() => page.getByTestId('goal-input').inputValue()).toBe(REFERENCE_GOAL);
    await page.getByTestId('btn-submit').click();

    await page.waitForURL(/#\/missions\/m_/);
    const id = decodeURIComponent(page.url().split('#/missions/')[1] ?? '');
    expect((await stack.api<Mission>(`/v1/missions/${id}`)).body.goal).toBe(REFERENCE_GOAL);
    await expect.poll(() => page.getByTestId('model-badge').textContent()).toContain('simulated model');

    await page.locator('[data-testid="task-row"][data-status="succeeded"]').first().waitFor({ timeout: 60_000 });
    await saveScreenshot(page, 'mission-running-1280x800');
    await page.locator(FINISHED).waitFor({ timeout: 90_000 });
    await expect.poll(() => page.getByTestId('mission-status').getAttribute('data-status')).toBe('succeeded');
    await page.getByTestId('final-answer').waitFor();
    await expect.poll(() => page.getByTestId('final-answer').textContent()).toMatch(/Itinerary/);
    // The answer's Markdown is rendered, not shown as raw text.
    expect(await page.getByTestId('final-answer').locator('h1').first().textContent()).toBe('Itinerary');
    expect(await page.getByTestId('final-answer').locator('.answer').textContent()).not.toContain('# Itinerary');

    const log = await recorded(page);
    expect(log.loadId, 'the page never reloaded').toBe(loadId);
    const lived = Object.entries(log.tasks).filter(([, seq]) => hasSubsequence(seq, ['running', 'succeeded']));
    expect(lived.length, `tasks seen running then succeeded: ${JSON.stringify(log.tasks)}`).toBeGreaterThan(0);
    const fromPending = Object.values(log.tasks).some((seq) => hasSubsequence(seq, ['pending', 'running', 'succeeded']));
    expect(fromPending, `a task seen pending, running, succeeded: ${JSON.stringify(log.tasks)}`).toBe(true);
    expect(hasSubsequence(log.mission, ['running', 'succeeded'])).toBe(true);

    const mission = (await stack.api<Mission>(`/v1/missions/${id}`)).body;
    const rows = await page.getByTestId('task-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-task-id'), e.getAttribute('data-status')]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(mission.tasks.map((t) => [t.id, t.status])));
    await page.getByTestId('graph-node').first().waitFor();
    expect(await page.getByTestId('graph-node').count()).toBe(mission.tasks.length);
    expect(await page.getByTestId('actor-panel').count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'mission-finished-1280x800');
    await saveScreenshot(page, 'mission-finished-1280x800-full', true);
    expectNoErrors();
  });

  it('replans after the sold-out disruption is injected from the UI', async () => {
    // The model latency leaves the booking actor a few seconds behind the search: time to see the search succeed and send the event.
    const id = await stack.submit({ goal: SLOW(1000), context: REFERENCE_CONTEXT });
    const page = await open();
    await openMission(page, id);

    await page.locator(taskRow('find-train-tokyo-kyoto', 'succeeded')).waitFor({ timeout: 60_000 });
    await page.getByTestId('inject-message').fill('The 09:00 Nozomi sold out');
    await page.getByTestId('inject-data').fill(JSON.stringify({ disruption: { kind: 'sell_out_train', trainId: FIRST_SHINKANSEN } }));
    await page.getByTestId('btn-inject').click();
    await page.getByText(/^sent as \d+-\d+$/).waitFor();

    await page
      .locator(taskRow('find-train-tokyo-kyoto-2'))
      .waitFor({ timeout: 60_000 })
      .catch(async (err: unknown) => {
        // Say whether the booking beat the injected event (a race, not a UI bug) or the planner ignored it.
        const order = (await stack.events(id))
          .filter((e) => e.type === 'world.event' || e.type === 'mission.finished' || (e.type === 'actor.step' && JSON.stringify(e.data).includes('"book_train"')))
          .map((e) => `${e.id} ${e.type} ${JSON.stringify(e.data).slice(0, 120)}`);
        throw new Error(`no replacement task appeared; events: ${order.join(' | ')}`, { cause: err });
      });
    await page.locator('[data-testid="graph-node"][data-task-id="find-train-tokyo-kyoto-2"]').waitFor();
    await page.locator(taskRow('find-train-tokyo-kyoto-2')).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'mission-replanning-1280x800');
    await page.locator(FINISHED).waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('mission-status').getAttribute('data-status')).toBe('succeeded');
    await page.getByTestId('final-answer').waitFor();
    // The itinerary books another train; the answer's "Changes along the way" names the sold-out one.
    const answer = (await page.getByTestId('final-answer').textContent()) ?? '';
    const [itinerary = '', changes = ''] = answer.split('Changes along the way');
    expect(itinerary).not.toContain(FIRST_SHINKANSEN);
    expect(changes).toMatch(/replaced by/);

    const events = (await stack.api<{ items: Event[] }>(`/v1/missions/${id}/events?limit=1000`)).body.items;
    const world = events.find((e) => e.type === 'world.event');
    expect(world?.data).toMatchObject({ message: 'The 09:00 Nozomi sold out' });
    await saveScreenshot(page, 'mission-replanned-1280x800');
    expectNoErrors();
  });

  it('cancels a running mission from the UI and then disables the controls, saying why', async () => {
    const id = await stack.submit({ goal: SLOW(400), context: REFERENCE_CONTEXT });
    const page = await open();
    await openMission(page, id);
    await page.locator('[data-testid="task-row"][data-status="running"]').first().waitFor({ timeout: 60_000 });

    await page.getByTestId('btn-cancel').click();
    // A cancel asks first, for a reason.
    await page.getByTestId('cancel-reason').fill('the client called the trip off');
    await page.getByTestId('btn-confirm-cancel').click();
    await page.locator('[data-testid="mission-status"][data-status="cancelled"]').waitFor({ timeout: 30_000 });
    expect((await stack.api<Mission>(`/v1/missions/${id}`)).body.status).toBe('cancelled');
    for (const button of ['btn-pause', 'btn-resume', 'btn-cancel', 'btn-inject']) {
      const b = page.getByTestId(button);
      // The badge and the buttons render from the same snapshot.
      expect(await b.isDisabled(), button).toBe(true);
      expect(await b.getAttribute('title'), button).toMatch(/finished \(cancelled\)/);
    }
    expectNoErrors();
  });

  it('shows every event exactly once after the server drops the socket mid-mission', async () => {
    const id = await stack.submit({ goal: SLOW(500), context: REFERENCE_CONTEXT });
    const page = await open();
    await openMission(page, id);
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor();
    // Every event, usage rows included (hidden by default).
    await page.getByTestId('show-usage').check();
    await page.locator('[data-testid="task-row"][data-status="running"]').first().waitFor({ timeout: 60_000 });
    const rowsShown = () => page.getByTestId('event-row').count();

    // Twice, with live events in between, so the second resubscription starts from an `after` the first one produced.
    for (let drop = 1; drop <= 2; drop++) {
      const before = (await recorded(page)).connection.length;
      const lastShown = (await stack.events(id)).at(-1)?.id;
      gatewayOf(stack).disconnectSockets(true);
      await expect.poll(async () => (await recorded(page)).connection.slice(before), { timeout: 15_000 }).toEqual(['reconnecting', 'live']);
      await stack.waitForEvent(id, (e) => lastShown !== undefined && compareEventIds(e.id, lastShown) > 0 && e.type === 'actor.step', 30_000);
    }
    expect((await stack.api<Mission>(`/v1/missions/${id}`)).body.status, 'the drops happened mid-mission').not.toMatch(/succeeded|failed|cancelled/);
    expect(await rowsShown()).toBeGreaterThan(0);

    await page.locator(FINISHED).waitFor({ timeout: 90_000 });
    const server = (await stack.api<{ items: Event[] }>(`/v1/missions/${id}/events?limit=1000`)).body.items.map((e) => e.id);
    expect(server.at(-1) && server.length).toBeGreaterThan(20);
    // The last events may still be in the page's 100 ms batch.
    await expect.poll(() => page.locator('.timeline .card-title-row .muted').textContent()).toBe(String(server.length));
    await page.getByLabel('follow').uncheck();
    await page.getByTestId('filter-type').selectOption('');
    await page.getByTestId('filter-task').selectOption('');
    const shown = await timelineEventIds(page);
    expect(shown.duplicates).toEqual([]);
    expect(new Set(shown.ids)).toEqual(new Set(server));
    expect(shown.ids.length).toBe(server.length);
    expectNoErrors();
  });

  it('fits a 390 px wide screen without horizontal scrolling, controls in reach', async () => {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    const page = await open(PHONE);
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

    await page.goto(`${stack.url}/`);
    // On a phone the missions list comes first and the form is folded under it.
    await page.locator('.new-mission-fold summary').click();
    await page.getByTestId('goal-input').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    for (const testId of ['goal-input', 'btn-submit']) {
      await page.getByTestId(testId).scrollIntoViewIfNeeded();
      expect(await page.getByTestId(testId).isVisible(), testId).toBe(true);
      const box = await page.getByTestId(testId).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${testId} inside the screen: ${JSON.stringify(box)}`).toBe(true);
    }

    await openMission(page, id);
    await page.getByTestId('final-answer').waitFor();
    // A phone shows the task graph as a list (its labels would be too small to read).
    await page.getByTestId('outline-row').first().waitFor();
    expect(await page.locator('.react-flow').count()).toBe(0);
    expect(await overflow()).toBeLessThanOrEqual(0);
    for (const testId of ['btn-pause', 'btn-resume', 'btn-cancel', 'connection-state', 'btn-inject']) {
      const el = page.getByTestId(testId);
      await el.scrollIntoViewIfNeeded();
      const box = await el.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${testId} inside the screen: ${JSON.stringify(box)}`).toBe(true);
    }
    await page.evaluate('window.scrollTo(0, 0)');
    await saveScreenshot(page, 'mission-390x844');
    await saveScreenshot(page, 'mission-390x844-full', true);
    expectNoErrors();
  });

  it('can be driven from the keyboard: Tab reaches the goal and the submit button, Enter submits', async () => {
    const page = await open();
    await page.goto(`${stack.url}/`);
    await page.getByTestId('goal-input').waitFor();

    const focused = () => page.evaluate<string>(`document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? ''`);
    const tabTo = async (testId: string) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if ((await focused()) === testId) return;
      }
      throw new Error(`Tab never reached ${testId}`);
    };
    await tabTo('goal-input');
    await page.keyboard.type(SLOW(400));
    await tabTo('btn-submit');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/missions\/m_/);
    await page.locator('[data-testid="mission-status"][data-status="running"]').waitFor({ timeout: 30_000 });

    // The mission's controls are reachable too: cancel it with the keyboard.
    await tabTo('btn-cancel');
    await page.keyboard.press('Enter');
    // The confirmation takes the focus (its reason field); Tab on to its button.
    await page.keyboard.type('keyboard test');
    await tabTo('btn-confirm-cancel');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="mission-status"][data-status="cancelled"]').waitFor({ timeout: 30_000 });
    expectNoErrors();
  });
});

describe('signing in with the URL npm start prints', () => {
  it('needs the token, takes it from the fragment, hides it from the address bar and sends it on REST and socket.io', async () => {
    const id = await stack.submit({ goal: SLOW(500), context: REFERENCE_CONTEXT });
    current = await openPage(browser, DESKTOP);
    const page = current.page;
    const sentAuth: string[] = [];
    page.on('request', (r) => {
      const auth = r.headers()['authorization'];
      if (auth && r.url().includes('/v1/')) sentAuth.push(auth);
    });

    // Without the token the server refuses the dashboard's calls and it says what to do.
    await page.goto(`${stack.url}/`);
    await expect.poll(() => page.getByRole('alert').first().innerText().catch(() => ''), { timeout: 20_000 }).toMatch(/API key/);
    await page.locator('[data-testid="connection-state"][data-state="offline"]').waitFor();

    // Pasting the printed URL into the open tab: the token is taken and the page starts over with it.
    await page.goto(dashboardUrlWithToken(stack.url, stack.token));
    await page.locator(`[data-testid="mission-row"][data-mission-id="${id}"]`).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor();
    expect(page.url()).toBe(`${stack.url}/#/`);
    expect(await page.evaluate<string | null>('sessionStorage.getItem("aime.token")')).toBe(stack.token);
    expect(sentAuth).toContain(`Bearer ${stack.token}`);
    // The socket received live summaries with the token: the mission's row follows its status.
    expect((await stack.api(`/v1/missions/${id}/cancel`, { method: 'POST' })).status).toBe(202);
    await page.locator(`[data-testid="mission-row"][data-mission-id="${id}"] [data-testid="mission-status"][data-status="cancelled"]`).waitFor({ timeout: 20_000 });
  });
});
