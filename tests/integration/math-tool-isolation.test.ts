import { afterEach, describe, expect, it } from 'vitest';
import { startActorWorker, type ActorWorkerHandle } from '@aime/actors';
import { createBuiltinPlugin, MATH_TIMEOUT_MS } from '@aime/plugin-builtin';
import { closeToolWorkers } from '@aime/plugin-sdk';
import type { ActorSpec, Task } from '@aime/protocol';
import type { SimAnswer, SimPolicy } from '@aime/sim';
import { capabilityQueue } from '@aime/store';
import { eventsOf, REDIS_URL, runningMission, setupEnv, silent, task, waitForEvent, type TestEnv } from '@aime/testing';

const RUNAWAY = 'n=bignumber(8e6);combinations(n,n/2)';
const HEAP_BOMB = `a=[1,1];${'a=[a,a];'.repeat(26)}sum(a)`;

let env: TestEnv | undefined;
let worker: ActorWorkerHandle | undefined;

afterEach(async () => {
  await worker?.close();
  await env?.close();
  await closeToolWorkers();
  worker = undefined;
  env = undefined;
});

/** An actor model that calls `evaluate` with each expression in turn, then reports. */
function calculatingActor(expressions: string[]): SimPolicy {
  let n = 0;
  return {
    name: 'calculating-actor',
    matches: (req) => (req.tools ?? []).some((t) => t.function.name === 'submit_report'),
    answer: (): SimAnswer => {
      const expression = expressions[n++];
      if (expression === undefined) return { toolCalls: [{ name: 'submit_report', arguments: { status: 'succeeded', summary: 'Calculated.' } }] };
      return { toolCalls: [{ name: 'evaluate', arguments: { expression } }] };
    },
  };
}

async function putSpec(e: TestEnv, missionId: string, t: Task): Promise<void> {
  const spec: ActorSpec = {
    actorId: `${t.id}.1`,
    missionId,
    taskId: t.id,
    attempt: t.attempts,
    persona: { name: 'Calculator', role: 'Computes numbers', traits: ['exact'] },
    bundles: ['math'],
    tools: ['evaluate', 'update_progress', 'submit_report'],
    knowledge: '(nothing beyond the mission goal)',
    environment: { now: new Date().toISOString(), timezone: 'UTC', permissions: [] },
    outputFormat: 'When done or stuck, call submit_report.',
    systemPrompt: `You are Calculator.\n\n## Your task\nid: ${t.id}\ndescription: ${t.description}`,
    maxSteps: 10,
    createdAt: new Date().toISOString(),
  };
  await e.store.putActorSpec(spec);
}

describe('the math tool inside an actor worker', () => {
  it('turns runaway expressions into tool errors the actor reads, while the process keeps serving', async () => {
    env = await setupEnv({ policies: [calculatingActor([RUNAWAY, HEAP_BOMB, '2 * 21'])] });
    const builtin = createBuiltinPlugin();
    const t1 = task('t1', 'Compute a few numbers.');
    const missionId = await runningMission(env, 'Numbers', [t1]);
    await putSpec(env, missionId, t1);
    worker = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [builtin], logger: silent, pollMs: 100, heartbeatMs: 1000 });

    // Liveness as /healthz would see it: a timer on this process's event loop.
    let last = performance.now();
    let longestGapMs = 0;
    const liveness = setInterval(() => {
      longestGapMs = Math.max(longestGapMs, performance.now() - last);
      last = performance.now();
    }, 50);
    try {
      await env.queue(capabilityQueue(builtin.bundles.map((b) => b.name))).add('actor', { missionId, taskId: 't1', actorId: 't1.1' }, { jobId: `${missionId}:t1.1:actor` });
      const reported = await waitForEvent(env.store, missionId, 'actor.reported', 45_000);
      expect(reported.data.report.status).toBe('succeeded');
    } finally {
      clearInterval(liveness);
    }
    // Wide margin for a shared machine; computing on the event loop blocks it for minutes.
    expect(longestGapMs).toBeLessThan(500);

    const calls = (await eventsOf(env.store, missionId, 'actor.step')).filter((s) => s.data.toolCall?.name === 'evaluate');
    expect(calls.map((s) => s.data.toolCall?.args)).toEqual([{ expression: RUNAWAY }, { expression: HEAP_BOMB }, { expression: '2 * 21' }]);
    const [runaway, bomb, fine] = calls.map((s) => s.data.observation ?? '');
    expect(runaway).toContain(`timed out after ${MATH_TIMEOUT_MS} ms`);
    expect(bomb).toMatch(/ran out of memory|timed out after/);
    expect(fine).toContain('42');
    // One run of the actor: the job's lock was renewed while the tool ran, so no second run began.
    expect((await eventsOf(env.store, missionId, 'actor.reported')).length).toBe(1);
  }, 60_000);
});
