import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { dashboardUrlWithToken } from '@aime/commander';
import { startStack, type TestStack } from '../helpers/stack.ts';

/** The built dashboard (the e2e global setup builds it). */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../apps/dashboard/dist', import.meta.url));
/** Screenshots kept as test artifacts (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts', import.meta.url));

/** Debian's Chromium; `npx playwright install` is not used anywhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet and deterministic on a CI box (no sandbox in containers, no network chatter). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Launches Debian's Chromium headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A page plus every console error and uncaught page error it produced. */
export interface WatchedPage {
  page: Page;
  /** Console `error` messages and uncaught exceptions, as text. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Opens a fresh context (own storage, given viewport) and records console errors and page
 * errors, so each test can assert the dashboard logged none.
 */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
  /** When given, the page first opens the dashboard URL `npm start` prints (`#token=`), as an operator does. */
  signIn?: Pick<TestStack, 'url' | 'token'>,
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  if (signIn) await openWithToken(page, signIn);
  return { page, errors, close: () => context.close() };
}

/** Opens the printed dashboard URL and waits until the dashboard took the token out of the address bar (it keeps it for the tab). */
export async function openWithToken(page: Page, stack: Pick<TestStack, 'url' | 'token'>): Promise<void> {
  await page.goto(dashboardUrlWithToken(stack.url, stack.token));
  await page.waitForFunction('window.location.hash === "#/"');
  // Leave the document, so the test's next goto loads a fresh one (init scripts run again);
  // the tab's sessionStorage keeps the token.
  await page.goto('about:blank');
}

/**
 * The all-in-one stack serving the built dashboard at `/`. The sim answers after 40 ms, as a
 * (very fast) real model would: with no latency a task can go pending → running → succeeded
 * between two frames, and a person watching (or the recorder) would never see it run.
 */
export function startDashboardStack(): Promise<TestStack> {
  return startStack({ dashboardDir: DASHBOARD_DIR, simLatencyMs: 40 });
}

/** The gateway's socket.io server, for dropping sockets server-side. */
export function gatewayOf(stack: TestStack): NonNullable<TestStack['commander']['gateway']>['io'] {
  const gw = stack.commander.gateway;
  if (!gw) throw new Error('the commander runs without its API/gateway');
  return gw.io;
}

/** Saves a screenshot of the page under test-artifacts/ and returns its path. */
export async function saveScreenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = `${ARTIFACTS_DIR}/${name}.png`;
  await page.screenshot({ path, fullPage });
  return path;
}

/** `[data-testid=task-row]` of one task, optionally in one status. */
export function taskRow(taskId: string, status?: string): string {
  return `[data-testid="task-row"][data-task-id="${taskId}"]${status ? `[data-status="${status}"]` : ''}`;
}

/**
 * Runs in the page before the dashboard's scripts: records every status a task row, the
 * mission badge and the connection badge take, in order, plus a marker that a reload
 * would wipe. The mission view refreshes at most a few times a second, so polling from
 * the test could miss a short `running`; a MutationObserver sees every rendered state.
 */
const RECORDER = `(() => {
  const log = { tasks: {}, mission: [], connection: [], loadId: Math.random().toString(36).slice(2) };
  window.__e2e = log;
  const push = (list, v) => { if (v && list[list.length - 1] !== v) list.push(v); };
  const scan = () => {
    for (const el of document.querySelectorAll('[data-testid="task-row"]')) {
      const id = el.getAttribute('data-task-id');
      if (!id) continue;
      push(log.tasks[id] || (log.tasks[id] = []), el.getAttribute('data-status'));
    }
    const m = document.querySelector('[data-testid="mission-status"]');
    if (m) push(log.mission, m.getAttribute('data-status'));
    const c = document.querySelector('[data-testid="connection-state"]');
    if (c) push(log.connection, c.getAttribute('data-state'));
  };
  new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'data-state'] });
})();`;

/** What the in-page recorder saw. */
export interface Recorded {
  tasks: Record<string, string[]>;
  mission: string[];
  connection: string[];
  /** Random per document: it changes only if the page reloaded. */
  loadId: string;
}

/** Installs the recorder on every document the page loads. */
export async function installRecorder(page: Page): Promise<void> {
  await page.addInitScript({ content: RECORDER });
}

export function recorded(page: Page): Promise<Recorded> {
  return page.evaluate('window.__e2e') as Promise<Recorded>;
}

/** True when `seq` contains `want` in order (not necessarily adjacent). */
export function hasSubsequence(seq: readonly string[], want: readonly string[]): boolean {
  let i = 0;
  for (const s of seq) if (s === want[i]) i++;
  return i === want.length;
}

/**
 * Every event id the virtualised timeline renders, collected by scrolling it from top to
 * bottom (only the rows in view are in the DOM). A row id seen at two different offsets
 * is a duplicate row.
 */
export async function timelineEventIds(page: Page): Promise<{ ids: string[]; duplicates: string[] }> {
  // A string, not a function: tsx/vitest may wrap named inner functions in a `__name` helper the page lacks.
  return page.evaluate(`(async () => {
    const scroller = document.querySelector('.timeline-scroll');
    if (!(scroller instanceof HTMLElement)) throw new Error('no .timeline-scroll on the page');
    const offsets = new Map();
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
    const collect = () => {
      for (const el of scroller.querySelectorAll('[data-testid="event-row"]')) {
        const id = el.getAttribute('data-event-id');
        if (!id) continue;
        const set = offsets.get(id) || new Set();
        set.add(el.style.transform);
        offsets.set(id, set);
      }
    };
    scroller.scrollTop = 0;
    await frame();
    collect();
    while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
      const before = scroller.scrollTop;
      scroller.scrollTop = before + Math.max(1, scroller.clientHeight - 30);
      await frame();
      collect();
      if (scroller.scrollTop === before) break;
    }
    return {
      ids: [...offsets.keys()],
      duplicates: [...offsets].filter(([, s]) => s.size > 1).map(([id]) => id),
    };
  })()`);
}
