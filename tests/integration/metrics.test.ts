/**
 * `/metrics` during one mission: every series docs/metrics.md lists is exposed, and the ones the
 * mission drives move: missions by status, queue jobs and waits, planner step latency, actor
 * durations, model calls/tokens/cost by role and model, tool calls by tool, socket and SSE
 * clients. The whole stack runs in this process, so the process-wide instruments see exactly
 * this mission (vitest runs test files in separate processes).
 */
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mission } from '@aime/protocol';
import { REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

type Samples = Map<string, number>;

/** Prometheus text → `name{k="v",…}` (labels sorted) → value. */
function parse(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = (m[2] ?? '').match(/[\w]+="(?:[^"\\]|\\.)*"/g) ?? [];
    out.set(`${m[1]}{${labels.sort().join(',')}}`, Number(m[3]));
  }
  return out;
}

const key = (name: string, labels: Record<string, string> = {}) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')}}`;

const value = (s: Samples, name: string, labels?: Record<string, string>) => s.get(key(name, labels)) ?? 0;
/** The sum over every sample of `name` whose labels include `labels`. */
const total = (s: Samples, name: string, labels: Record<string, string> = {}) =>
  [...s.entries()].filter(([k]) => k.startsWith(`${name}{`) && Object.entries(labels).every(([l, v]) => k.includes(`${l}="${v}"`))).reduce((n, [, v]) => n + v, 0);

async function scrape(s: TestStack): Promise<Samples> {
  const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${s.token}` } });
  expect(res.status).toBe(200);
  return parse(await res.text());
}

describe('/metrics during a mission', () => {
  it('moves the mission, queue, planner, actor, model, tool and client series', { timeout: 120_000 }, async () => {
    stack = await startStack({ simLatencyMs: 20 });
    const before = await scrape(stack);
    for (const name of ['aime_missions', 'aime_queue_jobs', 'aime_queue_oldest_wait_seconds', 'aime_approvals_pending', 'aime_socket_clients', 'aime_streams_open']) {
      expect([...before.keys()].some((k) => k.startsWith(`${name}{`)), name).toBe(true);
    }
    expect(value(before, 'aime_missions', { status: 'succeeded' })).toBe(0);

    // A socket.io watcher and an SSE stream while the mission runs.
    const socket = connect(stack.url, { auth: { token: stack.token }, transports: ['websocket'] });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const sse = new AbortController();
    const stream = await fetch(`${stack.url}/v1/missions/${id}/events`, { headers: { authorization: `Bearer ${stack.token}`, accept: 'text/event-stream' }, signal: sse.signal });
    expect(stream.status).toBe(200);
    const during = await scrape(stack);
    expect(value(during, 'aime_socket_clients')).toBe(1);
    expect(value(during, 'aime_streams_open', { kind: 'sse' })).toBe(1);

    const mission: Mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    expect(mission.status).toBe('succeeded');
    sse.abort();
    socket.close();
    await stack.waitForStatus(id, ['succeeded']);
    const after = await scrape(stack);

    expect(value(after, 'aime_missions', { status: 'succeeded' })).toBe(1);
    const moved = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);
    expect(moved('aime_planner_step_duration_seconds_count')).toBeGreaterThanOrEqual(mission.usage.plannerSteps);
    expect(moved('aime_queue_wait_seconds_count', { queue: 'aime-planner' })).toBeGreaterThan(0);
    expect(moved('aime_queue_wait_seconds_count', { queue: 'aime-factory' })).toBe(mission.usage.actors);
    expect(moved('aime_factory_build_duration_seconds_count', { outcome: 'spawned' })).toBe(mission.usage.actors);
    expect(moved('aime_actor_run_duration_seconds_count', { outcome: 'reported' })).toBe(mission.usage.actors);
    // Model calls by role and model; their tokens and cost add up to the mission's usage.
    for (const role of ['planner', 'factory', 'actor']) expect(moved('aime_model_calls_total', { role, model: 'sim', status: 'ok' }), role).toBeGreaterThan(0);
    expect(moved('aime_model_tokens_total', { kind: 'input' })).toBe(mission.usage.promptTokens);
    expect(moved('aime_model_tokens_total', { kind: 'output' })).toBe(mission.usage.completionTokens);
    expect(moved('aime_model_cost_usd_total')).toBeCloseTo(mission.usage.costUsd, 9);
    expect(moved('aime_tool_calls_total', { tool: 'book_train', status: 'ok' })).toBeGreaterThan(0);
    expect(moved('aime_tool_call_duration_seconds_count', { tool: 'search_trains' })).toBeGreaterThan(0);
    // Clients gone, no job left behind.
    await expect.poll(async () => value(await scrape(stack!), 'aime_socket_clients')).toBe(0);
    await expect.poll(async () => value(await scrape(stack!), 'aime_streams_open', { kind: 'sse' })).toBe(0);
    expect(value(after, 'aime_approvals_pending')).toBe(0);
    for (const q of ['aime-planner', 'aime-factory']) expect(value(after, 'aime_queue_jobs', { queue: q, state: 'waiting' }), q).toBe(0);
  });
});
