import { afterEach, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { bundleInfo } from '@aime/plugin-sdk';
import { createTravelPlugin } from '@aime/plugin-travel';
import { QUEUES } from '@aime/protocol';
import { travelPolicies } from '@aime/plugin-travel/sim';
import type { SimPolicy } from '@aime/sim';
import { buildSpec, type BuildSpecDeps } from '../src/index.ts';
import { eventsOf, runningMission, setupEnv, silent, task, type TestEnv } from './fixtures.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const specPolicy = (name: string, content: string): SimPolicy => ({
  name,
  matches: (req) => req.response_format?.json_schema?.name === 'actor_spec',
  answer: () => ({ content }),
});

/** The queue the advertised travel worker consumes. */
const TRAVEL_QUEUE = `${QUEUES.actors}-travel`;

async function world(policies?: SimPolicy[]): Promise<{ env: TestEnv; deps: BuildSpecDeps; actors: Queue }> {
  env = await setupEnv({ policies, maxRetries: 0 });
  await env.store.advertiseWorker(
    { workerId: 'w-1', queue: TRAVEL_QUEUE, bundles: createTravelPlugin().bundles.map((b) => bundleInfo(b)), startedAt: new Date().toISOString() },
    30_000,
  );
  const queues = new Map<string, Queue>();
  const e = env;
  const actorQueue = (name: string): Queue => queues.get(name) ?? queues.set(name, e.queue(name)).get(name)!;
  return { env, deps: { store: env.store, models: env.models, actorQueue, logger: silent, maxSteps: 7 }, actors: actorQueue(TRAVEL_QUEUE) };
}

describe('buildSpec', { timeout: 30_000 }, () => {
  it('keeps only the bundles live workers serve', async () => {
    const { env, deps } = await world([specPolicy('greedy', JSON.stringify({ persona: { name: 'Porter', role: 'Carries', traits: [] }, bundles: ['trains', 'teleport'] }))]);
    const t1 = task('t1', 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.');
    const missionId = await runningMission(env, 'Trip', [t1]);
    const out = await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 });
    expect(out.spawned).toBe(true);
    const spec = await env.store.getActorSpec(missionId, 't1.1');
    expect(spec?.bundles).toEqual(['trains']);
    expect(spec?.tools).toEqual(['search_trains', 'book_train', 'update_progress', 'submit_report']);
    expect(spec?.persona.name).toBe('Porter');
    expect(spec?.maxSteps).toBe(7);
  });

  it('quotes an invalid answer back for three repair rounds, then falls back to keyword bundles', async () => {
    const { env, deps } = await world([specPolicy('broken', 'this is not JSON')]);
    const t1 = task('t1', 'Check the weather in Kyoto on 2026-12-03.');
    const missionId = await runningMission(env, 'Trip', [t1]);
    await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 });
    expect(env.sim.stats().byPolicy.broken).toBe(4);
    const spec = await env.store.getActorSpec(missionId, 't1.1');
    expect(spec?.bundles).toEqual(['weather']);
    expect(spec?.persona.name).toBe('Weather Analyst');
    expect((await eventsOf(env.store, missionId, 'actor.spawned'))).toHaveLength(1);
  });

  it('composes knowledge from dependency reports and the context, without secrets', async () => {
    const { env, deps } = await world(travelPolicies);
    const t1 = task('t1', 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.', {
      status: 'succeeded',
      report: {
        status: 'succeeded',
        summary: 'Chose the 09:00 Nozomi.',
        references: ['train:NOZOMI-0900-2026-12-02'],
        artifacts: [{ id: 'a_1', name: 'options.json', mimeType: 'application/json', uri: 'artifact:a_1' }],
      },
    });
    const t2 = task('t2', 'Book the train chosen by task t1 for 2 passengers.', { dependsOn: ['t1'] });
    const context = { travellers: 2, apiKey: 'sk-live-123', nested: { password: 'hunter2', city: 'Kyoto' } };
    const missionId = await runningMission(env, 'Plan my Kyoto trip under ¥300,000', [t1, t2], context);
    await buildSpec(deps, { missionId, taskId: 't2', attempt: 1 });
    const spec = (await env.store.getActorSpec(missionId, 't2.1'))!;
    expect(spec.knowledge).toContain('#### Task `t1` (Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.): succeeded');
    expect(spec.knowledge).toContain('References: train:NOZOMI-0900-2026-12-02');
    expect(spec.knowledge).toContain('Artifacts: options.json (artifact:a_1)');
    expect(spec.knowledge).toContain('"city": "Kyoto"');
    for (const secret of ['sk-live-123', 'hunter2', 'apiKey', 'password']) expect(spec.systemPrompt).not.toContain(secret);
    expect(spec.bundles).toEqual(['trains']);
    expect(spec.environment).toMatchObject({ timezone: 'UTC', permissions: ['read-only: search_trains', 'may change the world (bookings, payments): book_train'] });
    const p = spec.systemPrompt;
    for (const part of ['You are Rail Booking Specialist', '## Mission goal\nPlan my Kyoto trip under ¥300,000', 'id: t2', 'description: Book the train chosen by task t1 for 2 passengers.', 'completion criteria: a report', '## Knowledge', 'timezone: UTC', '- book_train: ', '- submit_report: ', 'call submit_report', 'Report failures honestly']) {
      expect(p).toContain(part);
    }
    const usage = await eventsOf(env.store, missionId, 'usage');
    expect(usage.map((u) => [u.data.role, u.taskId, u.actorId])).toEqual([['factory', 't2', 't2.1']]);
  });

  it('skips a task that is no longer running with that attempt, and a finished mission', async () => {
    const { env, deps, actors } = await world(travelPolicies);
    const t1 = task('t1', 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.', { attempts: 2, actorId: 't1.2' });
    const missionId = await runningMission(env, 'Trip', [t1]);
    expect(await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 })).toMatchObject({ spawned: false });
    await env.store.setMissionStatus(missionId, 'cancelled');
    expect(await buildSpec(deps, { missionId, taskId: 't1', attempt: 2 })).toEqual({ spawned: false, reason: 'mission cancelled' });
    expect(await env.store.getActorSpec(missionId, 't1.1')).toBeNull();
    expect(await env.store.getActorSpec(missionId, 't1.2')).toBeNull();
    expect(await eventsOf(env.store, missionId, 'actor.spawned')).toHaveLength(0);
    expect(await actors.getJobs(['waiting', 'delayed', 'prioritized'])).toEqual([]);
  });

  it('spawns an actor once when the factory job runs twice', async () => {
    const { env, deps, actors } = await world(travelPolicies);
    const t1 = task('t1', 'Search hotels in Kyoto from 2026-12-02 to 2026-12-04 for 2 guests.');
    const missionId = await runningMission(env, 'Trip', [t1]);
    const first = await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 });
    const second = await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 });
    expect(first).toMatchObject({ spawned: true, reused: false });
    expect(second).toMatchObject({ spawned: true, reused: true });
    expect(await eventsOf(env.store, missionId, 'actor.spawned')).toHaveLength(1);
    expect((await env.store.getMission(missionId))?.usage.actors).toBe(1);
    const jobs = await actors.getJobs(['waiting']);
    expect(jobs.map((j) => j.data)).toEqual([{ missionId, taskId: 't1', actorId: 't1.1' }]);
    expect(jobs[0]?.opts.attempts).toBe(3);
  });
});
