import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BAD_STEPS, REPAIR_ROUNDS } from '@aime/commander';
import type { Event, Mission } from '@aime/protocol';
import { FIRST_SHINKANSEN, maxConcurrentActors, REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const ofType = <T extends Event['type']>(events: Event[], type: T) => events.filter((e) => e.type === type) as Extract<Event, { type: T }>[];

function toolCalls(events: Event[], name: string) {
  return ofType(events, 'actor.step').filter((e) => !('generic' in e) && e.data.toolCall?.name === name) as Extract<Event, { type: 'actor.step'; generic?: never }>[];
}

/** Booking calls of `trainId` that did not fail. */
function successfulBookings(events: Event[], trainId: string) {
  return toolCalls(events, 'book_train').filter((e) => {
    const args = e.data.toolCall?.args as { trainId?: string } | undefined;
    return args?.trainId === trainId && !/^Error/i.test(e.data.observation ?? '');
  });
}

function yen(text: string): number[] {
  return [...text.matchAll(/¥\s?([\d,]+)/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
}

describe('the mission loop over real Redis, BullMQ and HTTP with the simulated model', () => {
  it('runs the reference trip to a consistent itinerary inside the budget, with parallel actors', async () => {
    const id = await stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    expect(mission.error).toBeUndefined();
    expect(mission.status).toBe('succeeded');
    expect(mission.model.simulated).toBe(true);

    const events = await stack.events(id);
    const types = new Set(events.map((e) => e.type));
    for (const t of ['mission.created', 'plan.updated', 'task.dispatched', 'actor.spawned', 'actor.step', 'actor.progress', 'actor.reported', 'usage', 'mission.finished']) {
      expect(types, `event type ${t}`).toContain(t);
    }
    expect(maxConcurrentActors(events)).toBeGreaterThanOrEqual(2);
    expect(toolCalls(events, 'search_trains').length).toBeGreaterThanOrEqual(1);
    expect(toolCalls(events, 'book_flight').length).toBeGreaterThanOrEqual(1);

    // Every leaf finished, the itinerary names the bookings and stays within ¥300,000.
    const leaves = mission.tasks.filter((t) => !mission.tasks.some((c) => c.parentId === t.id));
    expect(leaves.every((t) => t.status === 'succeeded' || t.status === 'skipped')).toBe(true);
    const answer = mission.result?.answer ?? '';
    expect(answer).toMatch(/Tokyo/);
    expect(answer).toMatch(/Kyoto/);
    const total = Math.max(...yen(answer.split(/total/i)[1] ?? answer));
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(300_000);
    expect(mission.usage.plannerSteps).toBeGreaterThan(1);
    expect(mission.usage.promptTokens).toBeGreaterThan(0);
    expect(mission.progressMarkdown).toContain('itinerary');
  });

  it('replans when the chosen Shinkansen sells out mid-mission (scheduled in the context)', async () => {
    const id = await stack.submit({
      goal: REFERENCE_GOAL,
      context: { ...REFERENCE_CONTEXT, disruptions: [{ kind: 'sell_out_train', trainId: FIRST_SHINKANSEN, trigger: 'after_search' }] },
    });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    expect(mission.status).toBe('succeeded');
    const events = await stack.events(id);
    await expectReplannedAround(events, mission);
  });

  it('replans when the sell-out is injected through the API while the mission runs', async () => {
    // A little model latency keeps the booking behind the injected event.
    const id = await stack.submit({ goal: `${REFERENCE_GOAL} [[sim-fault:latency;ms=250]]`, context: REFERENCE_CONTEXT });
    await stack.waitForEvent(id, (e) => e.type === 'actor.reported' && e.taskId === 'find-train-tokyo-kyoto', 60_000);
    const injected = await stack.api<{ eventId: string }>(`/v1/missions/${id}/events`, {
      body: { type: 'external', message: 'The 09:00 Nozomi to Kyoto on 2026-12-02 is sold out', data: { disruption: { kind: 'sell_out_train', trainId: FIRST_SHINKANSEN } } },
    });
    expect(injected.status).toBe(202);
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 120_000);
    expect(mission.status).toBe('succeeded');
    const events = await stack.events(id);
    expect(events.some((e) => e.type === 'world.event' && e.id === injected.body.eventId)).toBe(true);
    await expectReplannedAround(events, mission);
  });

  it('fails a mission whose planner keeps answering invalid operations, naming the violation', async () => {
    const id = await stack.submit({ goal: 'Summarise the week [[sim:invalid-plan]]' });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 30_000);
    expect(mission.status).toBe('failed');
    expect(mission.error?.code).toBe('invalid_plan');
    expect(mission.error?.message).toContain('ghost-task');
    const events = await stack.events(id);
    const rejected = ofType(events, 'plan.rejected');
    // Every answer quoted back for repair, in each of the bounded number of steps.
    expect(rejected).toHaveLength((REPAIR_ROUNDS + 1) * MAX_BAD_STEPS);
    expect(events.at(-1)?.type).toBe('mission.finished');
  });

  it('recovers when an actor calls a tool that does not exist', async () => {
    const id = await stack.submit({ goal: `${REFERENCE_GOAL} [[sim:unknown-tool-once]]`, context: REFERENCE_CONTEXT });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 90_000);
    expect(mission.status).toBe('succeeded');
    const events = await stack.events(id);
    const unknown = toolCalls(events, 'lookup_everything');
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown[0]!.data.observation).toMatch(/unknown tool/i);
  });

  it('cancels a running mission: actors stop and no tool call happens afterwards', async () => {
    const id = await stack.submit({ goal: `${REFERENCE_GOAL} [[sim-fault:latency;ms=300]]`, context: REFERENCE_CONTEXT });
    await stack.waitForEvent(id, (e) => e.type === 'actor.step', 60_000);
    const res = await stack.api<Mission>(`/v1/missions/${id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(202);
    const cancelledAt = Date.now();
    await stack.waitForStatus(id, ['cancelled'], 10_000);
    await stack.waitForEvent(id, (e) => e.type === 'mission.finished', 10_000);
    // Give straggling actors time to prove they stopped.
    await new Promise((r) => setTimeout(r, 2500));
    const events = await stack.events(id);
    const late = events.filter((e) => e.type === 'actor.step' && Number(e.id.split('-')[0]) > cancelledAt + 1500);
    expect(late).toEqual([]);
    const after = await stack.api<Mission>(`/v1/missions/${id}`);
    expect(after.body.status).toBe('cancelled');
    // Once the planner closed the mission, no task is left running.
    expect(after.body.tasks.filter((t) => t.status === 'running')).toEqual([]);
    expect(after.body.tasks.some((t) => t.status === 'cancelled')).toBe(true);
  });

  it('runs two missions at once without mixing their state or events', async () => {
    const [a, b] = await Promise.all([
      stack.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT }),
      stack.submit({ goal: 'Plan a 3-day trip Seoul → Tokyo from 2026-12-10 for 1 person' }),
    ]);
    const [ma, mb] = await Promise.all([
      stack.waitForStatus(a, ['succeeded', 'failed', 'cancelled'], 120_000),
      stack.waitForStatus(b, ['succeeded', 'failed', 'cancelled'], 120_000),
    ]);
    expect([ma.status, mb.status]).toEqual(['succeeded', 'succeeded']);
    const [ea, eb] = await Promise.all([stack.events(a), stack.events(b)]);
    expect(ea.every((e) => e.missionId === a)).toBe(true);
    expect(eb.every((e) => e.missionId === b)).toBe(true);
    expect(mb.tasks.some((t) => t.id.includes('kyoto'))).toBe(false);
    expect(ma.tasks.some((t) => t.id.includes('kyoto'))).toBe(true);
    expect(mb.result?.answer).toMatch(/2026-12-10/);
  });
});

async function expectReplannedAround(events: Event[], mission: Mission): Promise<void> {
  // The booking actor reported the failure...
  const failed = ofType(events, 'actor.reported').filter((e) => !('generic' in e) && e.data.report.status === 'failed');
  const replaced = mission.tasks.find((t) => t.id === 'find-train-tokyo-kyoto-2');
  expect(replaced, 'a replacement train search was planned').toBeDefined();
  // ...or the planner acted on the outside event before the booking ran; either way a later plan changed the tasks.
  const plans = ofType(events, 'plan.updated').filter((e) => !('generic' in e));
  const replan = plans.find((p) => p.data.added.includes('find-train-tokyo-kyoto-2'));
  expect(replan).toBeDefined();
  expect(plans.indexOf(replan!)).toBeGreaterThan(0);
  if (!events.some((e) => e.type === 'world.event')) expect(failed.length).toBeGreaterThan(0);
  // No booking of the sold-out train, and the itinerary does not name it.
  expect(successfulBookings(events, FIRST_SHINKANSEN)).toEqual([]);
  // The itinerary does not name the sold-out train; the answer's "Changes along the way" names the replacement.
  const [itinerary, changes] = (mission.result?.answer ?? '').split('## Changes along the way');
  expect(itinerary).not.toContain(FIRST_SHINKANSEN);
  expect(changes).toMatch(/\((find|book)-train-tokyo-kyoto\) was replaced by .*\((find|book)-train-tokyo-kyoto-2\)/);
  const booked = toolCalls(events, 'book_train').filter((e) => !/^Error/i.test(e.data.observation ?? ''));
  expect(booked.length).toBe(1);
}
