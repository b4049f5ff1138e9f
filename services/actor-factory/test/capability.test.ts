import { afterEach, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { bundleInfo, defineBundle, defineTool } from '@aime/plugin-sdk';
import type { SimPolicy } from '@aime/sim';
import { capabilityQueue, type WorkerAdvert } from '@aime/store';
import { z } from 'zod';
import { buildSpec, checkCapabilityWaits, type BuildSpecDeps } from '../src/index.ts';
import { eventsOf, runningMission, setupEnv, silent, task, type TestEnv } from './fixtures.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const bundle = (name: string) =>
  bundleInfo(defineBundle({ name, description: `The ${name} tools.`, tools: [defineTool({ name: `${name}_tool`, description: `Uses ${name}.`, input: z.object({}), sideEffects: 'none', run: () => 'ok' })] }));

function advert(workerId: string, names: string[]): WorkerAdvert {
  return { workerId, queue: capabilityQueue(names), bundles: names.map(bundle), startedAt: new Date().toISOString() };
}

/** A factory model that picks the given bundles and remembers the prompts it saw. */
function picks(bundles: string[], seen: string[] = []): SimPolicy {
  return {
    name: 'picks',
    matches: (req) => req.response_format?.json_schema?.name === 'actor_spec',
    answer: (req) => {
      seen.push(req.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n'));
      return { content: JSON.stringify({ persona: { name: 'Worker', role: 'Works', traits: [] }, bundles }) };
    },
  };
}

async function world(policies: SimPolicy[]): Promise<{ env: TestEnv; deps: BuildSpecDeps; wakes: string[]; queue(name: string): Queue }> {
  const e = (env = await setupEnv({ policies, maxRetries: 0 }));
  const queues = new Map<string, Queue>();
  const queue = (name: string): Queue => queues.get(name) ?? queues.set(name, e.queue(name)).get(name)!;
  const wakes: string[] = [];
  const wake = async (missionId: string, reason: string) => void wakes.push(`${missionId}: ${reason}`);
  return { env: e, deps: { store: e.store, models: e.models, actorQueue: queue, wake, logger: silent, maxSteps: 5 }, wakes, queue };
}

describe('capability routing', { timeout: 30_000 }, () => {
  it('routes the actor job to the queue of the workers that serve all its bundles', async () => {
    const { env, deps, queue } = await world([picks(['shouting', 'math'])]);
    const a = advert('w-a', ['math']);
    const b = advert('w-b', ['math', 'shouting']);
    await env.store.advertiseWorker(a, 30_000);
    await env.store.advertiseWorker(b, 30_000);
    const missionId = await runningMission(env, 'Shout', [task('t1', 'Shout the sum.')]);
    const out = await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 });
    expect(out).toMatchObject({ spawned: true, queue: b.queue });
    expect((await queue(b.queue).getJobs(['waiting'])).map((j) => j.data)).toEqual([{ missionId, taskId: 't1', actorId: 't1.1' }]);
    expect(await queue(a.queue).getJobs(['waiting'])).toEqual([]);
    // Recorded for a resumed actor (after an approval) when no live worker can take it then.
    expect(await env.store.getActorQueue(missionId, 't1.1')).toBe(b.queue);
  });

  it('blocks a task whose chosen bundle is known but has no live worker, and tells the planner', async () => {
    const seen: string[] = [];
    const { env, deps, wakes } = await world([picks(['weather'], seen)]);
    await env.store.advertiseWorker(advert('w-old', ['weather']), 30_000);
    await env.store.removeWorker('w-old');
    await env.store.advertiseWorker(advert('w-math', ['math']), 30_000);
    const missionId = await runningMission(env, 'Weather', [task('t1', 'Check the weather in Kyoto.')]);

    const out = await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 });
    const reason = 'waiting for a live worker serving bundle "weather"';
    expect(out).toEqual({ spawned: false, reason, blocked: { bundles: ['weather'] } });
    expect(seen[0]).toContain('- math: The math tools.');
    expect(seen[0]).toContain('- weather (no live worker): The weather tools.');
    expect((await env.store.drainInbox(missionId)).filter((i) => i.kind !== 'created')).toEqual([{ kind: 'blocked', taskId: 't1', reason }]);
    expect(await env.store.listCapabilityWaits()).toEqual([expect.objectContaining({ missionId, taskId: 't1', attempt: 1, bundles: ['weather'], reason })]);
    expect(wakes).toEqual([`${missionId}: task t1 blocked`]);
    expect(await env.store.getActorSpec(missionId, 't1.1')).toBeNull();
    expect(await eventsOf(env.store, missionId, 'actor.spawned')).toEqual([]);
  });

  it('blocks when the chosen bundles are live only on different workers', async () => {
    const { env, deps } = await world([picks(['math', 'weather'])]);
    await env.store.advertiseWorker(advert('w-math', ['math']), 30_000);
    await env.store.advertiseWorker(advert('w-weather', ['weather']), 30_000);
    const missionId = await runningMission(env, 'Both', [task('t1', 'Add up the forecasts.')]);
    const out = await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 });
    expect(out).toMatchObject({ spawned: false, reason: 'waiting for a live worker serving all of the bundles "math", "weather" together' });
  });

  it('drops bundles no worker ever served instead of waiting for them', async () => {
    const { env, deps } = await world([picks(['math', 'teleport'])]);
    const w = advert('w-math', ['math']);
    await env.store.advertiseWorker(w, 30_000);
    const missionId = await runningMission(env, 'Sum', [task('t1', 'Add 2 and 2.')]);
    expect(await buildSpec(deps, { missionId, taskId: 't1', attempt: 1 })).toMatchObject({ spawned: true, queue: w.queue });
    expect((await env.store.getActorSpec(missionId, 't1.1'))?.bundles).toEqual(['math']);
  });
});

describe('capability watch', { timeout: 30_000 }, () => {
  it('unblocks a waiting task once a live worker serves its bundles, exactly once', async () => {
    const { env, wakes } = await world([]);
    const missionId = await runningMission(env, 'Weather', [task('t1', 'Check the weather.', { status: 'blocked', reason: 'waiting for a live worker serving bundle "weather"' })]);
    await env.store.drainInbox(missionId);
    await env.store.putCapabilityWait({ missionId, taskId: 't1', attempt: 1, bundles: ['weather'], reason: 'waiting', since: new Date().toISOString() });
    const deps = { store: env.store, wake: async (id: string, reason: string) => void wakes.push(`${id}: ${reason}`), logger: silent };

    expect(await checkCapabilityWaits(deps)).toEqual([]);
    expect(await env.store.inboxLength(missionId)).toBe(0);

    await env.store.advertiseWorker(advert('w-weather', ['weather', 'math']), 30_000);
    expect((await checkCapabilityWaits(deps)).map((w) => w.taskId)).toEqual(['t1']);
    expect(await env.store.drainInbox(missionId)).toEqual([{ kind: 'unblocked', taskId: 't1' }]);
    expect(wakes).toEqual([`${missionId}: task t1 unblocked`]);
    expect(await env.store.listCapabilityWaits()).toEqual([]);
    expect(await checkCapabilityWaits(deps)).toEqual([]);
  });

  it('forgets the wait of a task that moved on', async () => {
    const { env } = await world([]);
    const missionId = await runningMission(env, 'Weather', [task('t1', 'Check the weather.', { status: 'skipped' })]);
    await env.store.drainInbox(missionId);
    await env.store.putCapabilityWait({ missionId, taskId: 't1', attempt: 1, bundles: ['weather'], reason: 'waiting', since: new Date().toISOString() });
    await env.store.advertiseWorker(advert('w-weather', ['weather']), 30_000);
    expect(await checkCapabilityWaits({ store: env.store, wake: async () => undefined, logger: silent })).toEqual([]);
    expect(await env.store.listCapabilityWaits()).toEqual([]);
    expect(await env.store.inboxLength(missionId)).toBe(0);
  });
});
