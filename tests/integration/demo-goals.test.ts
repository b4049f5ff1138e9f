import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITY_NAMES, FLIGHTS, TRAINS, createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import { defineBundle, definePlugin, defineTool } from '@aime/plugin-sdk';
import type { Approval, Event, Mission } from '@aime/protocol';
import { planFor } from '@aime/plugin-travel/sim';
import type { SimRequest } from '@aime/sim';
import { z } from 'zod';
import { ofType, toolSteps } from '../helpers/approval-checks.ts';
import { startStack, type TestStack } from '../helpers/stack.ts';

// The all-in-one stack with the travel plugin and a "ledger" plugin whose tools record every
// call they really run, in order; `signoff` needs an operator's approval.
const ran: Array<{ tool: string; text: string }> = [];
const record = (tool: string, requiresApproval = false) =>
  defineTool({
    name: tool,
    description: 'Records the text and returns it upper-cased.',
    input: z.object({ text: z.string() }),
    sideEffects: 'external',
    requiresApproval,
    run: ({ text }) => {
      ran.push({ tool, text });
      return { recorded: text.toUpperCase() };
    },
  });
const ledgerPlugin = definePlugin({
  name: 'ledger',
  version: '1.0.0',
  bundles: [defineBundle({ name: 'ledger', description: 'Writes entries to a ledger.', tools: [record('write_entry'), record('signoff', true)] })],
});

let stack: TestStack;
let travel: TravelPlugin;
beforeAll(async () => {
  travel = createTravelPlugin();
  stack = await startStack({ plugins: [travel, ledgerPlugin] });
});
afterAll(async () => {
  await stack?.close();
});

const ENDED: Mission['status'][] = ['succeeded', 'failed', 'cancelled'];
const runsOf = (missionText: string[]) => ran.filter((r) => missionText.includes(r.text));

describe('the offline demo understands goals as people write them', () => {
  it('plans, books and prices a trip written as a list of places with a dollar budget', async () => {
    const id = await stack.submit({ goal: 'Tokyo then Kyoto, two adults, 3 nights from Dec 3 2026, budget $2,500' });
    const mission = await stack.waitForStatus(id, ENDED, 90_000);
    expect(mission.status).toBe('succeeded');
    expect(mission.tasks.map((t) => t.id)).toEqual(expect.arrayContaining(['find-train-tokyo-kyoto', 'book-train-tokyo-kyoto', 'book-hotel-tokyo', 'book-hotel-kyoto', 'itinerary']));
    const bookings = (await travel.world().ledger(id)).bookings;
    const train = bookings.find((b) => b.kind === 'train');
    expect(train).toMatchObject({ date: '2026-12-04', quantity: 2 });
    expect(bookings.filter((b) => b.kind === 'hotel').map((b) => [b.date, b.checkOut])).toEqual([
      ['2026-12-03', '2026-12-04'],
      ['2026-12-04', '2026-12-06'],
    ]);
    // $2,500 converted with the currency tool (¥150 per dollar in the demo world) and checked.
    expect(mission.result?.answer).toContain('**Budget:** ¥375,000 (2,500 USD)');
  });

  it('routes a trip with no direct connection through stop-overs, local train included', async () => {
    const id = await stack.submit({ goal: 'Family of three, Seoul to Osaka, 5 nights from 1 Dec 2026, under ₩3,000,000' });
    const mission = await stack.waitForStatus(id, ENDED, 120_000);
    expect(mission.status).toBe('succeeded');
    const bookings = (await travel.world().ledger(id)).bookings;
    expect(bookings.filter((b) => b.kind !== 'hotel').map((b) => [b.kind, b.date, b.quantity])).toEqual([
      ['flight', '2026-12-01', 3],
      ['train', '2026-12-02', 3],
      ['train', '2026-12-04', 3],
    ]);
    expect(bookings.find((b) => b.itemId.startsWith('LOCAL-'))).toBeDefined();
    expect(mission.result?.answer).toMatch(/\*\*Budget:\*\* ¥324,000 \(3,000,000 KRW\); \*\*remaining:\*\*/);
  });

  it('fails a goal beyond the demo world at once, saying what the sim can do and how to use a real model', async () => {
    const id = await stack.submit({ goal: 'Write a haiku about autumn' });
    const mission = await stack.waitForStatus(id, ENDED, 30_000);
    expect(mission.status).toBe('failed');
    expect(mission.tasks).toEqual([]);
    expect(mission.result?.answer).toMatch(/simulated model/);
    expect(mission.result?.answer).toContain('Seoul, Tokyo, Kyoto, Osaka');
    expect(mission.result?.answer).toContain('AIME_MODEL=openai:<model>');
    expect(mission.error?.code).toBe('mission_failed');
    expect(ofType(await stack.events(id), 'actor.spawned')).toEqual([]);
  });

  it('runs two calls joined by "then" exactly once each, in the order written', async () => {
    const id = await stack.submit({ goal: 'Call `write_entry` with {"text":"then-first"} then Call `write_entry` with {"text":"then-second"}' });
    const mission = await stack.waitForStatus(id, ENDED, 60_000);
    expect(mission.status).toBe('succeeded');
    expect(runsOf(['then-first', 'then-second'])).toEqual([
      { tool: 'write_entry', text: 'then-first' },
      { tool: 'write_entry', text: 'then-second' },
    ]);
    expect(toolSteps(await stack.events(id), 'write_entry').map((e) => (e.data.toolCall?.args as { text: string }).text)).toEqual(['then-first', 'then-second']);
    expect(mission.result?.answer).toContain('All 2 calls ran in order');
  });

  it('reports a rejected call blocked, runs nothing after it and ends the mission failed', async () => {
    const id = await stack.submit({ goal: 'Call `signoff` with {"text":"reject-me"}; Call `write_entry` with {"text":"after-reject"}' });
    const requested = await stack.waitForEvent(id, (e: Event) => e.type === 'approval.requested', 60_000);
    const approval = (requested.data as { approval: Approval }).approval;
    expect((await stack.api(`/v1/approvals/${approval.id}`, { body: { decision: 'reject', note: 'not this quarter' } })).status).toBe(200);
    const mission = await stack.waitForStatus(id, ENDED, 60_000);
    expect(mission.status).toBe('failed');
    expect(runsOf(['reject-me', 'after-reject'])).toEqual([]);
    const report = ofType(await stack.events(id), 'actor.reported').find((e) => e.taskId === 'call-signoff');
    expect(report && !('generic' in report) ? report.data.report : undefined).toMatchObject({ status: 'blocked', summary: expect.stringMatching(/rejected by the operator: not this quarter/) });
    expect(mission.tasks.map((t) => [t.id, t.status])).toEqual([
      ['call-signoff', 'skipped'],
      ['call-write-entry', 'skipped'],
    ]);
    expect(mission.result?.answer).toMatch(/operator rejected/);
  });
});

describe("the sim's knowledge of the demo world", () => {
  const request = (goal: string): SimRequest => ({
    model: 'sim',
    messages: [{ role: 'user', content: `## Goal\n${goal}\n\n## Task table\n(empty)\n\n## New since your last step\n(nothing new)` }],
    response_format: { type: 'json_schema', json_schema: { name: 'planner_output' } },
  });

  it('plans a direct leg exactly for the routes the travel catalogue serves', () => {
    const served = new Set([...FLIGHTS.map((f) => `flight-${f.from}-${f.to}`), ...TRAINS.map((t) => `train-${t.from}-${t.to}`)].map((k) => k.toLowerCase()));
    const planned = new Set<string>();
    for (const from of CITY_NAMES) {
      for (const to of CITY_NAMES) {
        if (from === to) continue;
        const ids = planFor(request(`Trip ${from} → ${to}`)).operations.flatMap((o) => (o.op === 'add' ? [(o.task as { id: string }).id] : []));
        for (const mode of ['flight', 'train']) if (ids.includes(`find-${mode}-${from}-${to}`.toLowerCase())) planned.add(`${mode}-${from}-${to}`.toLowerCase());
      }
    }
    expect([...planned].sort()).toEqual([...served].sort());
  });
});
