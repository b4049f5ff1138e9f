import { REDIS_URL } from '@aime/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import { capabilityQueue } from '@aime/store';
import { startActorWorker, type ActorHooks, type ActorWorkerHandle, type StepEntry } from '../src/index.ts';
import { eventsOf, putSpec, runningMission, setupEnv, silent, task, waitFor, waitForEvent, jobFinished, type TestEnv } from './fixtures.ts';

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

async function start(hooks?: ActorHooks): Promise<void> {
  worker = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [travel], logger: silent, pollMs: 100, heartbeatMs: 1000, ...(hooks ? { hooks } : {}) });
}

async function enqueue(missionId: string, taskId: string): Promise<Job> {
  return env.queue(ACTORS).add('actor', { missionId, taskId, actorId: `${taskId}.1` }, { jobId: `${missionId}:${taskId}.1:actor`, attempts: 3, backoff: { type: 'fixed', delay: 200 } });
}

const finished = (job: Job) => jobFinished(env.queue(ACTORS), job.id!);

describe('actor resilience', { timeout: 30_000 }, () => {
  it('stops a cancelled mission\'s actor during its model call, with no tool call and no report', async () => {
    // Every model call of this actor takes 4 s, so the cancel lands mid-call.
    const t1 = task('t1', 'Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers. [[sim-fault:latency;ms=4000]]');
    const missionId = await runningMission(env, 'Trip', [t1]);
    await putSpec(env, missionId, t1);
    await start();
    const job = await enqueue(missionId, 't1');
    await waitFor('the job to start', async () => ((await job.getState()) === 'active' ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    await env.store.setMissionStatus(missionId, 'cancelled');

    expect(await finished(job)).toEqual({ state: 'completed', value: 'cancelled' });
    // Had the actor gone on, its first step's tool calls would land once the slow answer came.
    await new Promise((r) => setTimeout(r, 4500));
    expect(await eventsOf(env.store, missionId, 'actor.step')).toHaveLength(0);
    expect(await eventsOf(env.store, missionId, 'actor.reported')).toHaveLength(0);
  });

  it('waits while the mission is paused and goes on when it is resumed', async () => {
    const t1 = task('t1', 'Check the weather in Kyoto on 2026-12-03.');
    const missionId = await runningMission(env, 'Trip', [t1]);
    await putSpec(env, missionId, t1);
    await env.store.setMissionStatus(missionId, 'paused');
    await start();
    const job = await enqueue(missionId, 't1');
    await waitFor('the job to start', async () => ((await job.getState()) === 'active' ? true : undefined));
    await new Promise((r) => setTimeout(r, 800));
    expect(await eventsOf(env.store, missionId, 'actor.step')).toHaveLength(0);

    await env.store.setMissionStatus(missionId, 'running');
    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report.status).toBe('succeeded');
  });

  it('resumes a crashed actor from its checkpoint without booking twice', async () => {
    const t1 = task('t1', 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.', { status: 'succeeded' });
    const t2 = task('t2', 'Book the train chosen by task t1 for 2 passengers.', { dependsOn: ['t1'] });
    const missionId = await runningMission(env, 'Trip', [t1, t2]);
    await putSpec(env, missionId, t2, { knowledge: '#### Task `t1` (search): succeeded\nReferences: train:NOZOMI-1100-2026-12-02' });
    let crashes = 0;
    await start({
      afterCheckpoint(info) {
        // The worker "dies" right after the booking went through, before the step was complete.
        if (info.toolName === 'book_train' && crashes === 0) {
          crashes++;
          throw new Error('simulated crash');
        }
      },
    });
    const job = await enqueue(missionId, 't2');

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(crashes).toBe(1);
    expect(reported.data.report.status).toBe('succeeded');
    const ledger = await travel.world().ledger(missionId);
    expect(ledger.bookings).toHaveLength(1);
    expect(reported.data.report.references).toEqual([`booking:${ledger.bookings[0]!.bookingRef}`, 'train:NOZOMI-1100-2026-12-02']);

    const steps = await eventsOf(env.store, missionId, 'actor.step');
    expect(steps.filter((s) => s.data.toolCall?.name === 'book_train')).toHaveLength(1);
    expect(steps.filter((s) => s.data.toolCall?.name === 'update_progress')).toHaveLength(1);
    const transcript = (await env.store.readTranscript(missionId, 't2.1')) as StepEntry[];
    expect(transcript.map((e) => [e.step, e.results.map((r) => r.name)])).toEqual([
      [0, ['update_progress', 'book_train']],
      [1, ['submit_report']],
    ]);
    const done = await finished(job);
    expect(done).toEqual({ state: 'completed', value: 'reported' });
    expect((await env.queue(ACTORS).getJob(job.id!))?.attemptsMade).toBeGreaterThanOrEqual(1);
  });

  it('resumes after a crash between steps by rebuilding the conversation from the transcript', async () => {
    const t1 = task('t1', 'Search hotels in Kyoto from 2026-12-02 to 2026-12-04 for 2 guests.');
    const missionId = await runningMission(env, 'Trip', [t1]);
    await putSpec(env, missionId, t1);
    let crashes = 0;
    await start({
      afterCheckpoint(info) {
        if (info.phase === 'step' && info.step === 0 && crashes === 0) {
          crashes++;
          throw new Error('simulated crash');
        }
      },
    });
    await enqueue(missionId, 't1');

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(crashes).toBe(1);
    expect(reported.data.report).toMatchObject({ status: 'succeeded', references: [expect.stringMatching(/^hotel:/)] });
    const steps = await eventsOf(env.store, missionId, 'actor.step');
    expect(steps.map((s) => s.data.toolCall?.name)).toEqual(['update_progress', 'search_hotels', 'submit_report']);
  });
});
