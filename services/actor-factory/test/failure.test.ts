import { afterEach, describe, expect, it } from 'vitest';
import { QUEUES } from '@aime/protocol';
import { reportUnbuiltActor } from '../src/failure.ts';
import { eventsOf, runningMission, setupEnv, task, type TestEnv } from './fixtures.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('a factory job that failed for good', () => {
  it('hands in a failed report in the actor name, so the planner hears of it', async () => {
    env = await setupEnv({ maxRetries: 0 });
    const missionId = await runningMission(env, 'g', [task('search', 'Search trains')]);
    const planner = env.queue(QUEUES.planner);
    const eventId = await reportUnbuiltActor({ store: env.store, planner }, { missionId, taskId: 'search', attempt: 1 }, new Error('redis went away'));
    expect(eventId).not.toBeNull();
    const [reported] = await eventsOf(env.store, missionId, 'actor.reported');
    expect(reported).toMatchObject({ taskId: 'search', actorId: 'search.1', data: { report: { status: 'failed' } } });
    expect(reported!.data.report.summary).toContain('redis went away');
    const inbox = await env.store.drainInbox(missionId);
    expect(inbox.filter((i) => i.kind === 'report')).toEqual([expect.objectContaining({ kind: 'report', taskId: 'search', actorId: 'search.1' })]);
    expect((await planner.getJobs(['waiting'])).map((j) => j.data.missionId)).toEqual([missionId]);
  });

  it('reports nothing when the task has moved on to another attempt', async () => {
    env = await setupEnv({ maxRetries: 0 });
    const missionId = await runningMission(env, 'g', [task('search', 'Search trains', { attempts: 2, actorId: 'search.2' })]);
    const planner = env.queue(QUEUES.planner);
    expect(await reportUnbuiltActor({ store: env.store, planner }, { missionId, taskId: 'search', attempt: 1 }, new Error('x'))).toBeNull();
    expect(await eventsOf(env.store, missionId, 'actor.reported')).toEqual([]);
  });
});
