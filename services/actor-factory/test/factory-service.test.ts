import { REDIS_URL } from '@aime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startActorWorker, type ActorWorkerHandle } from '@aime/actors';
import { createTravelPlugin } from '@aime/plugin-travel';
import { QUEUES } from '@aime/protocol';
import { FactoryError, startActorFactory, type ActorFactoryHandle } from '../src/index.ts';
import { eventsOf, runningMission, setupEnv, silent, task, waitFor, type TestEnv } from './fixtures.ts';

let env: TestEnv | undefined;
let factory: ActorFactoryHandle | undefined;
let actors: ActorWorkerHandle | undefined;
afterEach(async () => {
  await factory?.close();
  await actors?.close();
  await env?.close();
  factory = actors = env = undefined;
});

describe('actor factory service', { timeout: 30_000 }, () => {
  it('turns a factory job into a spawned actor that a live worker runs to its report', async () => {
    env = await setupEnv({ maxRetries: 0 });
    // Serves trains and weather only: the factory must not hand out anything else.
    const travel = createTravelPlugin();
    const lite = { ...travel, name: 'travel-lite', bundles: travel.bundles.filter((b) => b.name === 'trains' || b.name === 'weather') };
    actors = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [lite], logger: silent, pollMs: 100 });
    factory = await startActorFactory({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, logger: silent, concurrency: 2 });
    expect(factory.state).toBe('running');

    const t1 = task('t1', 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers, then check the hotel options.');
    const missionId = await runningMission(env, 'Plan my Kyoto trip', [t1], { travellers: 2, token: 'tok-secret' });
    await env.queue(QUEUES.factory).add('factory', { missionId, taskId: 't1', attempt: 1 }, { jobId: `${missionId}:t1:1` });

    const reported = await waitFor('the actor report', async () => (await eventsOf(env!.store, missionId, 'actor.reported'))[0]);
    expect(reported.data.report.references).toEqual(['train:NOZOMI-0600-2026-12-02']);

    const spec = (await env.store.getActorSpec(missionId, 't1.1'))!;
    // "hotel" asks for the hotels bundle, which no live worker serves.
    expect(spec.bundles).toEqual(['trains']);
    expect(spec).toMatchObject({ actorId: 't1.1', taskId: 't1', attempt: 1, maxSteps: 24 });
    expect(spec.systemPrompt).not.toContain('tok-secret');
    const [spawned, ...more] = await eventsOf(env.store, missionId, 'actor.spawned');
    expect(more).toHaveLength(0);
    expect(spawned).toMatchObject({ taskId: 't1', actorId: 't1.1', data: { persona: spec.persona, bundles: ['trains'], tools: spec.tools, attempt: 1 } });
    const mission = await env.store.getMission(missionId);
    expect(mission?.usage.actors).toBe(1);
    const roles = (await eventsOf(env.store, missionId, 'usage')).map((u) => u.data.role);
    expect(roles[0]).toBe('factory');
    expect(roles.slice(1).every((r) => r === 'actor')).toBe(true);

    await factory.close();
    expect(factory.state).toBe('closed');
  });

  it('rejects bad options with a clear message', async () => {
    env = await setupEnv({ maxRetries: 0 });
    const err = await startActorFactory({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, concurrency: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FactoryError);
    expect(err).toMatchObject({ code: 'invalid_option', message: 'concurrency must be an integer 1..256, got 0' });
  });
});
