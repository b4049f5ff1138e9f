import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadConfig } from '@aime/actors';
import type { Approval, Event, Mission } from '@aime/protocol';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';
import { DASHBOARD_DIR, DESKTOP, launchBrowser, openPage, type WatchedPage } from './helpers.ts';

let dir: string;
let stack: TestStack;
let browser: Browser;
let current: WatchedPage | undefined;

beforeAll(async () => {
  // An operator's aime.config.json: approvals by glob, with no plugin code (the travel plugin
  // is listed with a config key it does not know, which is reported at start, not ignored).
  dir = mkdtempSync(join(tmpdir(), 'aime-policy-'));
  writeFileSync(
    join(dir, 'aime.config.json'),
    JSON.stringify({ plugins: [{ module: '@aime/plugin-travel', config: { requireApproval: ['book_hotel'] } }], approvals: { require: ['book_*'], except: ['book_hotel', 'book_flight'] } }),
  );
  const config = await loadConfig({ cwd: dir, env: {} });
  [stack, browser] = await Promise.all([startStack({ dashboardDir: DASHBOARD_DIR, simLatencyMs: 40, config }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  expect(current?.errors ?? []).toEqual([]);
  await current?.close();
  current = undefined;
});

describe('an approval policy in aime.config.json', () => {
  it('makes book_train wait for an operator (and only it), shown on the dashboard', async () => {
    const tools = (await stack.api<{ bundles: Array<{ tools: Array<{ name: string; requiresApproval: boolean }> }> }>('/v1/tools')).body.bundles.flatMap((b) => b.tools);
    expect(Object.fromEntries(tools.filter((t) => t.name.startsWith('book_')).map((t) => [t.name, t.requiresApproval]))).toEqual({ book_train: true, book_flight: false, book_hotel: false });

    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const e = await stack.waitForEvent(id, (x: Event) => x.type === 'approval.requested', 90_000);
    expect((e.data as { approval: Approval }).approval.tool).toBe('book_train');
    await stack.waitForStatus(id, ['awaiting_approval'], 30_000);

    current = await openPage(browser, DESKTOP, stack);
    const page = current.page;
    await page.goto(`${stack.url}/#/missions/${id}`);
    await page.locator('[data-testid="approval"] strong', { hasText: 'book_train' }).waitFor({ timeout: 30_000 });
    // The booking task shows that it waits for approval, not `running`.
    const task = (await stack.api<Mission>(`/v1/missions/${id}`)).body.tasks.find((t) => t.id === (e.data as { approval: Approval }).approval.taskId);
    expect(task?.state).toBe('awaiting_approval');
    await page.locator(`[data-testid="task-row"][data-task-id="${task?.id}"][data-state="awaiting_approval"]`).waitFor();
    await stack.api(`/v1/missions/${id}/cancel`, { method: 'POST', body: { reason: 'test over' } });
  });
});
