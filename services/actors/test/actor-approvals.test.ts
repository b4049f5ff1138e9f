import { REDIS_URL } from '@aime/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import { capabilityQueue } from '@aime/store';
import { toolContext } from '../src/tool-context.ts';
import { approvalGate, approvalIdOf, callDigest, MISMATCH_OBSERVATION, startActorWorker, type ActorHooks, type ActorWorkerHandle } from '../src/index.ts';
import { eventsOf, putSpec, runningMission, setupEnv, silent, task, waitForEvent, jobFinished, QUEUES, type TestEnv } from './fixtures.ts';

const ACTORS = capabilityQueue(createTravelPlugin().bundles.map((b) => b.name));
const TRAIN = 'NOZOMI-1100-2026-12-02';

let env: TestEnv;
let travel: TravelPlugin;
let worker: ActorWorkerHandle | undefined;

beforeEach(async () => {
  env = await setupEnv();
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await env.close();
});

async function start(requireApproval: string[], hooks?: ActorHooks): Promise<void> {
  travel = createTravelPlugin({ requireApproval });
  worker = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [travel], logger: silent, pollMs: 100, heartbeatMs: 1000, ...(hooks ? { hooks } : {}) });
}

async function enqueue(missionId: string, suffix: string): Promise<Job> {
  return env.queue(ACTORS).add('actor', { missionId, taskId: 't2', actorId: 't2.1' }, { jobId: `${missionId}:t2.1:${suffix}`, attempts: 3, backoff: { type: 'fixed', delay: 200 } });
}

const finished = (job: Job) => jobFinished(env.queue(ACTORS), job.id!);

/** A running mission whose task t2 books the train chosen by the finished search t1. */
async function bookingMission(): Promise<string> {
  const t1 = task('t1', 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.', { status: 'succeeded' });
  const t2 = task('t2', 'Book the train chosen by task t1 for 2 passengers.', { dependsOn: ['t1'] });
  const missionId = await runningMission(env, 'Trip', [t1, t2]);
  await putSpec(env, missionId, t2, { knowledge: `#### Task \`t1\` (search): succeeded\nReferences: train:${TRAIN}` });
  return missionId;
}

async function decide(missionId: string, status: 'approved' | 'rejected', note?: string): Promise<void> {
  const [pending] = await env.store.listApprovals(missionId);
  if (!pending) throw new Error('no approval');
  await env.store.putApproval({ ...pending, status, resolvedAt: new Date().toISOString(), ...(note ? { note } : {}) });
}

const bookSteps = async (missionId: string) => (await eventsOf(env.store, missionId, 'actor.step')).filter((e) => e.data.toolCall?.name === 'book_train');

describe('actor approvals', { timeout: 30_000 }, () => {
  it('ends its job while a call waits for approval, with the request stored, announced and the mission awaiting_approval', async () => {
    const missionId = await bookingMission();
    await start(['book_train']);
    expect(await finished(await enqueue(missionId, 'actor'))).toEqual({ state: 'completed', value: 'awaiting_approval' });

    const approvals = await env.store.listApprovals(missionId);
    expect(approvals).toEqual([
      { id: approvalIdOf(missionId, 't2.1', 0, 1, callDigest('book_train', { trainId: TRAIN, passengers: 2 })), missionId, taskId: 't2', actorId: 't2.1', tool: 'book_train', args: { trainId: TRAIN, passengers: 2 }, status: 'pending', requestedAt: expect.any(String),
        // What the operator decides with: the tool's side-effect class, its price estimate and the actor's reasoning.
        sideEffects: 'external', estimate: { amount: expect.any(Number), currency: 'JPY', note: expect.stringContaining('Nozomi') }, thought: expect.stringContaining(TRAIN) },
    ]);
    expect((await eventsOf(env.store, missionId, 'approval.requested')).map((e) => e.data.approval.id)).toEqual([approvals[0]!.id]);
    expect((await env.store.getMission(missionId))?.status).toBe('awaiting_approval');
    expect(await bookSteps(missionId)).toHaveLength(0);
    expect((await travel.world().ledger(missionId)).bookings).toHaveLength(0);
    // The call before it in the same step is done and checkpointed, not to be repeated.
    const pending = await env.store.getPendingStep(missionId, 't2.1');
    expect(pending?.results.map((r) => r.name)).toEqual(['update_progress']);
  });

  it('asks only once when a job runs again before the decision', async () => {
    const missionId = await bookingMission();
    await start(['book_train']);
    expect((await finished(await enqueue(missionId, 'actor'))).value).toBe('awaiting_approval');
    expect((await finished(await enqueue(missionId, 'again'))).value).toBe('awaiting_approval');
    expect(await env.store.listApprovals(missionId)).toHaveLength(1);
    expect(await eventsOf(env.store, missionId, 'approval.requested')).toHaveLength(1);
  });

  it('runs an approved call exactly once on the resumed job, without repeating the done calls', async () => {
    const missionId = await bookingMission();
    await start(['book_train']);
    await finished(await enqueue(missionId, 'actor'));
    await decide(missionId, 'approved');
    expect(await finished(await enqueue(missionId, 'resume'))).toEqual({ state: 'completed', value: 'reported' });

    const report = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(report.data.report.status).toBe('succeeded');
    expect((await travel.world().ledger(missionId)).bookings.map((b) => b.itemId)).toEqual([TRAIN]);
    expect(await bookSteps(missionId)).toHaveLength(1);
    const progress = (await eventsOf(env.store, missionId, 'actor.step')).filter((e) => e.data.toolCall?.name === 'update_progress');
    expect(progress).toHaveLength(1);
  });

  it('never runs a rejected call: the model reads the rejection and reports it', async () => {
    const missionId = await bookingMission();
    await start(['book_train']);
    await finished(await enqueue(missionId, 'actor'));
    await decide(missionId, 'rejected', 'over budget');
    expect((await finished(await enqueue(missionId, 'resume'))).value).toBe('reported');

    expect((await bookSteps(missionId)).map((e) => e.data.observation)).toEqual(['Rejected by operator: over budget']);
    expect((await travel.world().ledger(missionId)).bookings).toHaveLength(0);
    const report = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(report.data.report).toMatchObject({ status: 'blocked', summary: expect.stringContaining('rejected by the operator: over budget') });
  });

  it('does not book again when a worker dies after the booking but before its checkpoint was saved', async () => {
    const missionId = await bookingMission();
    let crashes = 0;
    await start([], {
      async afterCheckpoint(info) {
        if (info.toolName !== 'book_train' || crashes > 0) return;
        crashes++;
        // Undo the checkpoint of the booking: as if the worker died between the call and its save.
        const saved = await env.store.getPendingStep(missionId, 't2.1');
        await env.store.putPendingStep(missionId, 't2.1', { ...saved!, results: saved!.results.filter((r) => r.name !== 'book_train') });
        throw new Error('simulated crash');
      },
    });
    await enqueue(missionId, 'actor');

    const report = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(crashes).toBe(1);
    expect(report.data.report.status).toBe('succeeded');
    // The call ran twice with the same idempotency key: the second found the first booking.
    const steps = await bookSteps(missionId);
    expect(steps).toHaveLength(2);
    expect(JSON.parse(steps[1]!.data.observation ?? '{}')).toMatchObject({ duplicate: true, itemId: TRAIN });
    expect((await travel.world().ledger(missionId)).bookings).toHaveLength(1);
  });
});

describe('approval binding', { timeout: 30_000 }, () => {
  const ids = { taskId: 't2', actorId: 't2.1', step: 0, callIndex: 1 } as const;
  const callA = { ...ids, tool: 'book_train', args: { trainId: 'NOZOMI-0900-2026-12-02', passengers: 2 } };
  const callB = { ...ids, tool: 'book_train', args: { trainId: 'NOZOMI-1100-2026-12-02', passengers: 2 } };

  it('does not let an approval granted for book_train {trainId: A} run book_train {trainId: B} at the same step and call', async () => {
    const missionId = await bookingMission();
    const deps = { store: env.store, planner: env.queue(QUEUES.planner) };
    const asked = await approvalGate(deps, { missionId, ...callA });
    expect(asked.kind).toBe('wait');
    await decide(missionId, 'approved');
    await env.store.setMissionStatus(missionId, 'running', { from: ['awaiting_approval'] });
    expect((await approvalGate(deps, { missionId, ...callA })).kind).toBe('approved');

    // The retried step now holds another train at the same position: a new decision is needed.
    const other = await approvalGate(deps, { missionId, ...callB });
    expect(other.kind).toBe('wait');
    expect(other.approval.args).toEqual(callB.args);
    expect(other.approval.status).toBe('pending');
    expect(other.approval.id).not.toBe(asked.approval.id);
  });

  it('refuses a call whose stored approval was made for other arguments, before the call runs', async () => {
    const missionId = await bookingMission();
    const deps = { store: env.store, planner: env.queue(QUEUES.planner) };
    // An approved record under B's id that names A (a collision, or a record written by hand).
    const idB = approvalIdOf(missionId, ids.actorId, ids.step, ids.callIndex, callDigest(callB.tool, callB.args));
    await env.store.putApproval({ id: idB, missionId, taskId: 't2', actorId: 't2.1', tool: callA.tool, args: callA.args, status: 'approved', requestedAt: new Date().toISOString() });
    expect(await approvalGate(deps, { missionId, ...callB })).toMatchObject({ kind: 'rejected', observation: MISMATCH_OBSERVATION });
  });

  it('binds idempotency keys to the tool and canonical arguments, not only to the position', () => {
    const base = { missionId: 'm_1', taskId: 't2', actorId: 't2.1', signal: new AbortController().signal, logger: { debug() {}, info() {}, warn() {}, error() {} }, store: env.store, mission: { goal: 'g', context: {} }, progress: async () => {}, worldEvents: async () => [] };
    const key = (tool: string, args: unknown) => toolContext(base, 0, 1, callDigest(tool, args)).idempotencyKey;
    expect(key('book_train', { trainId: 'A', passengers: 2 })).toBe(key('book_train', { passengers: 2, trainId: 'A' }));
    expect(key('book_train', { trainId: 'A', passengers: 2 })).not.toBe(key('book_train', { trainId: 'B', passengers: 2 }));
    expect(key('book_train', { trainId: 'A' })).not.toBe(key('book_hotel', { trainId: 'A' }));
    expect(callDigest('t', { b: 1, a: [1, { d: 2, c: 3 }] })).toBe(callDigest('t', { a: [1, { c: 3, d: 2 }], b: 1 }));
    expect(callDigest('t', { b: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('approval ids', () => {
  it('are stable per call, differ per mission, step, call and arguments, and stay valid ids when long', () => {
    const d = callDigest('book_train', { trainId: 'A' });
    expect(approvalIdOf('m_1', 't2.1', 0, 1, d)).toBe(`m_1.t2.1.0.1.${d.slice(0, 16)}`);
    expect(approvalIdOf('m_2', 't2.1', 0, 1, d)).not.toBe(approvalIdOf('m_1', 't2.1', 0, 1, d));
    expect(approvalIdOf('m_1', 't2.1', 1, 1, d)).not.toBe(approvalIdOf('m_1', 't2.1', 0, 1, d));
    expect(approvalIdOf('m_1', 't2.1', 0, 1, callDigest('book_train', { trainId: 'B' }))).not.toBe(approvalIdOf('m_1', 't2.1', 0, 1, d));
    const long = 'x'.repeat(126);
    const a = approvalIdOf('m_1', long, 3, 0, d);
    expect(a.length).toBeLessThanOrEqual(128);
    expect(a).toMatch(/^m_1\.ap-[0-9a-f]{24}$/);
    expect(approvalIdOf('m_1', long, 3, 0, d)).toBe(a);
    expect(approvalIdOf('m_1', long, 3, 1, d)).not.toBe(a);
  });
});
