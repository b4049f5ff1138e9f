import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import { QUEUES } from '@aime/protocol';
import { capabilityQueue } from '@aime/store';
import { startActorWorker, type ActorWorkerHandle } from '../src/index.ts';
import { REDIS_URL } from '@aime/testing';
import { eventsOf, putSpec, runningMission, setupEnv, silent, task, waitFor, waitForEvent, type TestEnv } from './fixtures.ts';

/** The queue a worker serving the travel plugin's bundles consumes. */
const ACTORS = capabilityQueue(createTravelPlugin().bundles.map((b) => b.name));

let env: TestEnv;
let travel: TravelPlugin;
let worker: ActorWorkerHandle | undefined;

beforeEach(async () => {
  env = await setupEnv();
  travel = createTravelPlugin();
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await env.close();
});

async function start(): Promise<void> {
  worker = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [travel], logger: silent, pollMs: 100, heartbeatMs: 1000 });
}

async function enqueue(missionId: string, taskId: string, actorId = `${taskId}.1`, attempts = 3): Promise<Job> {
  return env.queue(ACTORS).add('actor', { missionId, taskId, actorId }, { jobId: `${missionId}:${actorId}:actor`, attempts, backoff: { type: 'fixed', delay: 200 } });
}

describe('actor loop', { timeout: 30_000 }, () => {
  it('searches trains, reports with references, fills the inbox and wakes the planner', async () => {
    const t1 = task('t1', 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.');
    const missionId = await runningMission(env, 'Trip to Kyoto', [t1]);
    await putSpec(env, missionId, t1);
    await start();
    await enqueue(missionId, 't1');

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.taskId).toBe('t1');
    expect(reported.actorId).toBe('t1.1');
    expect(reported.data.report.status).toBe('succeeded');
    expect(reported.data.report.references).toEqual(['train:NOZOMI-0600-2026-12-02']);

    const steps = await eventsOf(env.store, missionId, 'actor.step');
    expect(steps.map((s) => [s.data.step, s.data.toolCall?.name])).toEqual([
      [0, 'update_progress'],
      [0, 'search_trains'],
      [1, 'submit_report'],
    ]);
    expect(steps[1]!.data.toolCall?.args).toEqual({ from: 'Tokyo', to: 'Kyoto', date: '2026-12-02' });
    expect(steps[1]!.data.observation).toContain('NOZOMI-0600-2026-12-02');
    expect(steps[0]!.data.usage?.promptTokens).toBeGreaterThan(0);
    expect(steps[1]!.data.usage).toBeUndefined();
    // The first step of the run says which worker ran it.
    expect(steps[0]!.data.workerId).toBe(worker!.workerId);
    expect(steps.slice(1).map((st) => st.data.workerId)).toEqual([undefined, undefined]);

    const progress = await eventsOf(env.store, missionId, 'actor.progress');
    expect(progress).toHaveLength(1);
    expect((await env.store.getProgress(missionId)).t1?.message).toMatch(/Working on/);

    expect(await env.store.drainInbox(missionId)).toEqual([
      { kind: 'created', eventId: expect.any(String) },
      { kind: 'report', eventId: reported.id, taskId: 't1', actorId: 't1.1' },
    ]);
    const wakes = await env.queue(QUEUES.planner).getJobs(['waiting', 'delayed', 'prioritized']);
    expect(wakes.map((j) => [j.name, j.data])).toContainEqual(['wake', { missionId, reason: 'report from t1' }]);

    const usage = await eventsOf(env.store, missionId, 'usage');
    expect(usage).toHaveLength(2);
    expect(usage.every((u) => u.data.role === 'actor' && u.actorId === 't1.1')).toBe(true);
    expect((await env.store.getMission(missionId))?.usage.promptTokens).toBe(usage.reduce((n, u) => n + u.data.promptTokens, 0));
    expect(await env.store.readTranscript(missionId, 't1.1')).toHaveLength(2);
  });

  it('reports a sold-out booking as failed, quoting the error', async () => {
    const t1 = task('t1', 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.', { status: 'succeeded' });
    const t2 = task('t2', 'Book the train chosen by task t1 for 2 passengers.', { dependsOn: ['t1'] });
    const context = { disruptions: [{ kind: 'sell_out_train', trainId: 'NOZOMI-0900-2026-12-02', trigger: 'before_booking' }] };
    const missionId = await runningMission(env, 'Trip to Kyoto', [t1, t2], context);
    await putSpec(env, missionId, t2, { knowledge: '### Reports of the tasks this task depends on\n#### Task `t1` (search): succeeded\nSummary: chose the 09:00\nReferences: train:NOZOMI-0900-2026-12-02' });
    await start();
    await enqueue(missionId, 't2');

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    const r = reported.data.report;
    expect(r.status).toBe('failed');
    expect(r.summary).toMatch(/^Could not book NOZOMI-0900-2026-12-02: .*sold out/);
    expect(r.references).toEqual(['train:NOZOMI-0900-2026-12-02']);
    const booking = (await eventsOf(env.store, missionId, 'actor.step')).find((s) => s.data.toolCall?.name === 'book_train');
    expect(booking?.data.observation).toMatch(/^Error: sold_out: /);
    expect((await travel.world().ledger(missionId)).bookings).toHaveLength(0);
  });

  it('recovers from a call to a tool that does not exist', async () => {
    const t1 = task('t1', 'Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers. [[sim:unknown-tool-once]]');
    const missionId = await runningMission(env, 'Trip to Tokyo', [t1]);
    await putSpec(env, missionId, t1);
    await start();
    await enqueue(missionId, 't1');

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report.status).toBe('succeeded');
    expect(reported.data.report.references[0]).toMatch(/^flight:/);
    const steps = await eventsOf(env.store, missionId, 'actor.step');
    const bad = steps.find((s) => s.data.toolCall?.name === 'lookup_everything');
    expect(bad?.data.observation).toMatch(/^Error: unknown tool "lookup_everything"\. Available tools: .*search_flights/);
    expect(steps.some((s) => s.data.toolCall?.name === 'search_flights' && !s.data.observation?.startsWith('Error'))).toBe(true);
  });

  it('ends a runaway actor at its step limit with a failed report', async () => {
    const t1 = task('t1', 'Write a haiku about the sea.');
    const missionId = await runningMission(env, 'Poetry', [t1]);
    await putSpec(env, missionId, t1, { maxSteps: 1 });
    await start();
    await enqueue(missionId, 't1');

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report).toMatchObject({ status: 'failed', summary: expect.stringMatching(/gave up after 1 steps without a report/) });
    const steps = await eventsOf(env.store, missionId, 'actor.step');
    expect(steps.map((s) => s.data.toolCall?.name)).toEqual(['update_progress']);
  });

  it('skips a job whose task is no longer running with this actor', async () => {
    const t1 = task('t1', 'Write a haiku about the sea.', { attempts: 2, actorId: 't1.2' });
    const missionId = await runningMission(env, 'Poetry', [t1]);
    await putSpec(env, missionId, { ...t1, actorId: 't1.1', attempts: 1 });
    await start();
    const job = await enqueue(missionId, 't1', 't1.1');
    const state = await waitFor('the job to finish', async () => {
      const s = await job.getState();
      return s === 'completed' || s === 'failed' ? s : undefined;
    });
    expect(state).toBe('completed');
    expect((await env.queue(ACTORS).getJob(job.id!))?.returnvalue).toBe('skipped');
    expect(await eventsOf(env.store, missionId, 'actor.step')).toHaveLength(0);
  });

  it('hands in a failed report when the last attempt fails', async () => {
    const t1 = task('t1', 'Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers.');
    const missionId = await runningMission(env, 'Trip', [t1]);
    await putSpec(env, missionId, t1, { bundles: ['teleport'] });
    await start();
    await enqueue(missionId, 't1', 't1.1', 2);

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report.status).toBe('failed');
    expect(reported.data.report.summary).toMatch(/does not serve bundle\(s\) teleport/);
    expect(await eventsOf(env.store, missionId, 'actor.reported')).toHaveLength(1);
  });

  it('turns tool arguments that are not valid JSON into an observation and carries on', async () => {
    const t1 = task('t1', 'Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers. [[sim-fault:bad_tool_args;times=1]]');
    const missionId = await runningMission(env, 'Trip', [t1]);
    await putSpec(env, missionId, t1);
    await start();
    await enqueue(missionId, 't1');

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report.status).toBe('succeeded');
    const steps = await eventsOf(env.store, missionId, 'actor.step');
    expect(steps[0]?.data.toolCall?.name).toBe('update_progress');
    expect(steps[0]?.data.observation).toMatch(/^Error: invalid_input: the arguments for update_progress are not valid JSON/);
    expect(await eventsOf(env.store, missionId, 'actor.progress')).toHaveLength(0);
  });

  it('fails the job when the model keeps failing, and reports the failure after the last attempt', async () => {
    const t1 = task('t1', 'Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers. [[sim-fault:server_error]]');
    const missionId = await runningMission(env, 'Trip', [t1]);
    await putSpec(env, missionId, t1);
    await start();
    const job = await enqueue(missionId, 't1', 't1.1', 2);

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report.status).toBe('failed');
    expect(reported.data.report.summary).toMatch(/^The actor failed: the actor model failed at step 0/);
    const failed = await waitFor('the job to fail', async () => {
      const j = await env.queue(ACTORS).getJob(job.id!);
      return (await j?.getState()) === 'failed' ? j : undefined;
    });
    expect(failed.attemptsMade).toBe(2);
    expect(await eventsOf(env.store, missionId, 'actor.step')).toHaveLength(0);
  });

  it('stores report artifacts and hands in their refs', async () => {
    const t1 = task('t1', 'Assemble the final itinerary from all bookings, with the total cost in JPY.');
    const missionId = await runningMission(env, 'Trip under ¥300,000', [t1]);
    await putSpec(env, missionId, t1);
    await start();
    await travel.world().bookTrain(missionId, { trainId: 'NOZOMI-1100-2026-12-02', passengers: 2 }, { idempotencyKey: 'test-booking' });
    await enqueue(missionId, 't1');

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    const r = reported.data.report;
    expect(r.status).toBe('succeeded');
    expect(r.summary).toContain('**Total:** ¥28,340');
    expect(r.artifacts).toHaveLength(1);
    expect(r.artifacts[0]).toMatchObject({ name: 'itinerary.md', mimeType: 'text/markdown' });
    const stored = await env.store.getArtifact(missionId, r.artifacts[0]!.id);
    expect(stored?.content).toBe(r.summary);
  });
});
