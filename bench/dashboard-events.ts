/**
 * Benchmark: the mission view under 50 events per second.
 *
 * Starts the whole stack with the built dashboard, opens the mission view of a running
 * reference mission in headless Chromium at 1280×800, appends realistic `actor.step`,
 * `actor.progress` and `usage` events through the store for 20 s, and measures in the page:
 * long tasks, frame times, DOM size and JS heap after 1 s and at the end. A view that
 * re-renders without bound, or keeps every row in the DOM, shows here as growing nodes and
 * slow frames. Run it with `npm run bench` (all benches) or `npx tsx bench/dashboard-events.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Mission, NewEvent } from '@aime/protocol';
import buildDashboard from '../tests/e2e/global-setup.ts';
import { DESKTOP, launchBrowser, openPage, startDashboardStack } from '../tests/e2e/helpers.ts';
import { REFERENCE_CONTEXT, REFERENCE_GOAL } from '../tests/helpers/stack.ts';
import type { BenchResult } from './types.ts';

const RATE_PER_S = 50;
const DURATION_MS = 20_000;
const RESULTS = fileURLToPath(new URL('./results/dashboard-events.json', import.meta.url));

/** Installed in the page when the flow starts; everything it measures stays in `window.__bench`. */
const PAGE_PROBE = `(() => {
  const b = { frames: [], longTasks: [], mutations: 0, samples: {} };
  window.__bench = b;
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: false });
    b.longTaskSupported = true;
  } catch { b.longTaskSupported = false; }
  new MutationObserver((records) => { b.mutations += records.length; })
    .observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  let last = performance.now();
  b.running = true;
  const tick = (now) => { b.frames.push(now - last); last = now; if (b.running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  b.sample = (name) => {
    b.samples[name] = {
      domNodes: document.getElementsByTagName('*').length,
      eventRowsInDom: document.querySelectorAll('[data-testid="event-row"]').length,
      actorPanels: document.querySelectorAll('[data-testid="actor-panel"]').length,
      heapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
    };
  };
})()`;

interface PageReport {
  frames: number[];
  longTasks: number[];
  longTaskSupported: boolean;
  mutations: number;
  samples: Record<string, { domNodes: number; eventRowsInDom: number; actorPanels: number; heapBytes: number | null }>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Realistic traffic of a few busy actors on the mission's own tasks. */
function* syntheticEvents(taskIds: string[]): Generator<NewEvent> {
  const actors = Array.from({ length: 4 }, (_, i) => ({ actorId: `a_bench_${i}`, taskId: taskIds[i % taskIds.length] ?? 'research', step: 0 }));
  for (let n = 0; ; n++) {
    const a = actors[n % actors.length]!;
    const kind = n % 20;
    if (kind < 12) {
      a.step++;
      yield {
        type: 'actor.step',
        taskId: a.taskId,
        actorId: a.actorId,
        data: {
          step: a.step,
          thought: `Step ${a.step}: compare the next options for ${a.taskId} against the remaining budget.`,
          toolCall: { id: `call_${n}`, name: 'search_trains', args: { from: 'Tokyo', to: 'Kyoto', date: '2026-12-02', after: `0${8 + (a.step % 2)}:30` } },
          observation: JSON.stringify({
            trains: Array.from({ length: 3 }, (_, k) => ({ trainId: `NOZOMI-${1000 + k * 100}-2026-12-02`, departs: `${10 + k}:00`, seatsLeft: 20 - k, price: { amount: 14_170, currency: 'JPY' } })),
          }),
          usage: { promptTokens: 1_600 + (n % 200), completionTokens: 40 + (n % 30) },
        },
      };
    } else if (kind < 17) {
      yield { type: 'usage', taskId: a.taskId, actorId: a.actorId, data: { role: 'actor', model: 'sim', promptTokens: 1_600 + (n % 200), completionTokens: 40 + (n % 30), costUsd: 0 } };
    } else {
      yield { type: 'actor.progress', taskId: a.taskId, actorId: a.actorId, data: { status: 'in_progress', message: `Checked ${a.step} options for ${a.taskId}` } };
    }
  }
}

/** Runs the benchmark and writes bench/results/dashboard-events.json. */
export async function run(): Promise<BenchResult> {
  buildDashboard();
  const stack = await startDashboardStack();
  const browser = await launchBrowser();
  try {
    // A slow model keeps the mission running (and its own events trickling) for the whole window.
    const id = await stack.submit({ goal: `${REFERENCE_GOAL} [[sim-fault:latency;ms=1500]]`, context: REFERENCE_CONTEXT });
    const watched = await openPage(browser, DESKTOP, stack);
    const { page } = watched;
    await page.goto(`${stack.url}/#/missions/${id}`);
    await page.getByTestId('task-row').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('graph-node').first().waitFor();
    const mission = (await stack.api<Mission>(`/v1/missions/${id}`)).body;
    const gen = syntheticEvents(mission.tasks.filter((t) => !mission.tasks.some((c) => c.parentId === t.id)).map((t) => t.id));

    await page.evaluate(PAGE_PROBE);
    const started = Date.now();
    let appended = 0;
    let nextSample = 1;
    while (Date.now() - started < DURATION_MS) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE_PER_S);
      const batch: Promise<unknown>[] = [];
      for (; appended < due; appended++) batch.push(stack.store.appendEvent(id, gen.next().value as NewEvent));
      await Promise.all(batch);
      const second = Math.floor((Date.now() - started) / 1000);
      if (second >= nextSample) {
        await page.evaluate(`window.__bench.sample(${JSON.stringify(nextSample === 1 ? 'after1s' : `t${nextSample}s`)})`);
        nextSample = nextSample === 1 ? 5 : nextSample + 5;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const flowMs = Date.now() - started;
    // Until the page holds every event, or 10 s: how far behind the view fell.
    const total = (await stack.events(id)).length;
    const caughtUpAt = Date.now();
    await page
      .waitForFunction(`Number(document.querySelector('.timeline .card-title-row .muted')?.textContent) >= ${total}`, undefined, { timeout: 10_000 })
      .catch(() => undefined);
    const catchUpMs = Date.now() - caughtUpAt;
    await page.evaluate('window.__bench.sample("end"); window.__bench.running = false');
    const report = (await page.evaluate('window.__bench')) as PageReport;
    const chromium = browser.version();
    await watched.close();

    const frames = [...report.frames].sort((a, b) => a - b);
    const early = report.samples['after1s'];
    const end = report.samples['end'];
    const result = {
      bench: 'dashboard-events',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, chromium, loadAverage1m: round(loadavg()[0] ?? 0) },
      load: { ratePerSecond: RATE_PER_S, durationMs: flowMs, appendedEvents: appended, eventsInMission: total },
      frames: { count: frames.length, p50Ms: round(percentile(frames, 50)), p95Ms: round(percentile(frames, 95)), maxMs: round(frames.at(-1) ?? 0) },
      longTasks: report.longTaskSupported
        ? { count: report.longTasks.length, totalMs: round(report.longTasks.reduce((s, d) => s + d, 0)), maxMs: round(Math.max(0, ...report.longTasks)) }
        : null,
      dom: {
        nodesAfter1s: early?.domNodes ?? null,
        nodesAtEnd: end?.domNodes ?? null,
        eventRowsInDomAtEnd: end?.eventRowsInDom ?? null,
        nodesOverTime: Object.fromEntries(Object.entries(report.samples).map(([k, v]) => [k, v.domNodes])),
        /** Real actors keep spawning during the window; each panel holds at most 20 steps. */
        actorPanelsOverTime: Object.fromEntries(Object.entries(report.samples).map(([k, v]) => [k, v.actorPanels])),
      },
      heapMB: { after1s: early?.heapBytes ? round(early.heapBytes / 2 ** 20) : null, atEnd: end?.heapBytes ? round(end.heapBytes / 2 ** 20) : null },
      domMutationsPerSecond: round(report.mutations / (flowMs / 1000), 0),
      catchUpMs,
      consoleErrors: watched.errors.length,
    };
    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);

    return {
      name: 'dashboard-events',
      file: RESULTS,
      rows: [
        ['events appended', `${appended} in ${round(flowMs / 1000)} s (${RATE_PER_S}/s)`],
        ['frame time p50 / p95 / max', `${result.frames.p50Ms} / ${result.frames.p95Ms} / ${result.frames.maxMs} ms`],
        ['long tasks (count, total, max)', result.longTasks ? `${result.longTasks.count}, ${result.longTasks.totalMs} ms, ${result.longTasks.maxMs} ms` : 'not supported'],
        ['DOM nodes after 1 s → end', `${result.dom.nodesAfter1s} → ${result.dom.nodesAtEnd}`],
        ['DOM nodes over time', Object.entries(result.dom.nodesOverTime).map(([k, v]) => `${k.replace(/^t|after/, '')}: ${v}`).join(', ')],
        ['actor panels over time', Object.entries(result.dom.actorPanelsOverTime).map(([k, v]) => `${k.replace(/^t|after/, '')}: ${v}`).join(', ')],
        ['event rows in the DOM at end', `${result.dom.eventRowsInDomAtEnd} of ${total} events`],
        ['JS heap after 1 s → end', result.heapMB.after1s === null ? 'n/a' : `${result.heapMB.after1s} → ${result.heapMB.atEnd} MB`],
        ['DOM mutations per second', String(result.domMutationsPerSecond)],
        ['catch-up after the flow stopped', `${catchUpMs} ms`],
        ['console errors', String(result.consoleErrors)],
        ['machine', `${result.machine.cpus} CPUs, load average ${result.machine.loadAverage1m}`],
      ],
    };
  } finally {
    await browser.close();
    await stack.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run();
  for (const [k, v] of r.rows) console.log(`${k.padEnd(34)} ${v}`);
  process.exit(0);
}
