import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { renderProgressMarkdown } from '@aime/core';
import { DEFAULT_BUDGET, EMPTY_USAGE, PlannerOutput, type ActorJob, type Approval, type Task, type TaskGraph } from '@aime/protocol';
import { planFor } from '@aime/plugin-travel/sim';
import type { SimRequest } from '@aime/sim';
import type { MemoryPlannerStore } from '@aime/store/memory';
import { resumeJobId } from '../src/planner/approvals.ts';
import { plannerSystemPrompt, plannerUserPrompt, type PlannerNews } from '../src/planner/prompt.ts';
import { runPlannerStep, type ChatTurn, type PlannerDeps } from '../src/planner/step.ts';
import { memoryStores, SCRIPTED_MODEL } from './planner-fixture.ts';

const model = SCRIPTED_MODEL;
const WAIT = JSON.stringify({ thought: 'wait', operations: [] });

const newStore = memoryStores();

function task(id: string, status: Task['status'], extra: Partial<Task> = {}): Task {
  return { id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: status === 'pending' ? 0 : 1, ...extra };
}

interface Harness {
  s: MemoryPlannerStore;
  missionId: string;
  turns: ChatTurn[][];
  resumed: Array<{ job: ActorJob; approvalId: string }>;
  deps: PlannerDeps;
  approval(taskId: string, actorId: string, status?: Approval['status']): Promise<Approval>;
  decide(a: Approval, decision: 'approve' | 'reject', note?: string): Promise<void>;
}

/** A mission whose tasks a and b run (actors a.1, b.1), waiting for approvals. */
async function harness(tasks: Task[] = [task('a', 'running', { actorId: 'a.1' }), task('b', 'running', { actorId: 'b.1' })]): Promise<Harness> {
  const s = newStore();
  const { mission } = await s.createMission({ goal: 'g', model, budget: DEFAULT_BUDGET });
  await s.writeGraph(mission.id, 0, { version: 0, tasks });
  await s.setMissionStatus(mission.id, 'running');
  await s.setMissionStatus(mission.id, 'awaiting_approval');
  await s.drainInbox(mission.id);
  const turns: ChatTurn[][] = [];
  const resumed: Harness['resumed'] = [];
  const deps: PlannerDeps = {
    store: s,
    callModel: async (_id, t) => {
      turns.push(t);
      return WAIT;
    },
    enqueueFactory: async () => undefined,
    resumeActor: async (job, approvalId) => void resumed.push({ job, approvalId }),
    wake: async () => undefined,
    logger: pino({ level: 'silent' }),
    holder: 'test',
  };
  return {
    s,
    missionId: mission.id,
    turns,
    resumed,
    deps,
    async approval(taskId, actorId, status = 'pending') {
      const a: Approval = { id: `${mission.id}.${actorId}.0.0`, missionId: mission.id, taskId, actorId, tool: 'book_train', args: {}, status, requestedAt: new Date().toISOString() };
      await s.putApproval(a);
      return a;
    },
    async decide(a, decision, note) {
      await s.putApproval({ ...a, status: decision === 'approve' ? 'approved' : 'rejected', ...(note ? { note } : {}) });
      const ev = await s.appendEvent(mission.id, { type: 'approval.resolved', taskId: a.taskId, actorId: a.actorId, data: { approval: a } });
      await s.pushInbox(mission.id, { kind: 'approval', eventId: ev.id, approvalId: a.id, taskId: a.taskId, actorId: a.actorId, decision });
    },
  };
}

describe('the planner on approval decisions', () => {
  it('resumes the decided actor on a new job, tells the planner model, and goes back to running', async () => {
    const h = await harness([task('a', 'running', { actorId: 'a.1' })]);
    const a = await h.approval('a', 'a.1');
    await h.decide(a, 'reject', 'too dear');
    await runPlannerStep(h.deps, h.missionId);

    expect(h.resumed).toEqual([{ job: { missionId: h.missionId, taskId: 'a', actorId: 'a.1' }, approvalId: a.id }]);
    expect(h.turns[0]?.[1]?.content).toContain('- Approval: book_train for task a: rejected (too dear)');
    expect((await h.s.getMission(h.missionId))?.status).toBe('running');
  });

  it('stays awaiting_approval while another running actor still waits for a decision', async () => {
    const h = await harness();
    const a = await h.approval('a', 'a.1');
    await h.approval('b', 'b.1');
    await h.decide(a, 'approve');
    await runPlannerStep(h.deps, h.missionId);

    expect(h.resumed.map((r) => r.job.actorId)).toEqual(['a.1']);
    expect((await h.s.getMission(h.missionId))?.status).toBe('awaiting_approval');
  });

  it('does not resume an actor that no longer runs its task, and ignores its stale pending approval', async () => {
    // Task a was retried: attempt 2 (actor a.2) runs now; the approval was a.1's.
    const h = await harness([task('a', 'running', { actorId: 'a.2', attempts: 2 })]);
    const stale = await h.approval('a', 'a.1');
    const decided: Approval = { ...stale, id: `${stale.id}.1` };
    await h.s.putApproval(decided);
    await h.decide(decided, 'approve');
    await runPlannerStep(h.deps, h.missionId);

    expect(h.resumed).toEqual([]);
    expect((await h.s.getApproval(stale.id))?.status).toBe('pending');
    expect((await h.s.getMission(h.missionId))?.status).toBe('running');
  });

  it('puts a running mission back to awaiting_approval when a running actor waits', async () => {
    const h = await harness([task('a', 'running', { actorId: 'a.1' })]);
    await h.s.setMissionStatus(h.missionId, 'running');
    await h.approval('a', 'a.1');
    await runPlannerStep(h.deps, h.missionId);
    expect((await h.s.getMission(h.missionId))?.status).toBe('awaiting_approval');
  });

  it('rejects the pending approvals of a cancelled mission, so a late decision has nothing to act on', async () => {
    const h = await harness([task('a', 'running', { actorId: 'a.1' })]);
    const a = await h.approval('a', 'a.1');
    await h.s.setMissionStatus(h.missionId, 'cancelled');
    expect(await runPlannerStep(h.deps, h.missionId)).toEqual({ kind: 'finished', status: 'cancelled' });

    expect(await h.s.getApproval(a.id)).toMatchObject({ status: 'rejected', note: 'the mission was cancelled before a decision' });
    const resolved = (await h.s.readEvents(h.missionId)).filter((e) => e.type === 'approval.resolved');
    expect(resolved).toHaveLength(1);
    expect(h.resumed).toEqual([]);
  });

  it('gives resumed jobs ids that BullMQ accepts and that differ per decision', () => {
    const a = resumeJobId('m_1', 'book:train.1', 'm_1.book:train.1.0.1');
    expect(a.split(':')).toHaveLength(3);
    expect(a).not.toBe(resumeJobId('m_1', 'book:train.1', 'm_1.book:train.1.1.0'));
    expect(a).not.toBe('m_1:book_train.1:actor');
  });
});

function simRequest(graph: TaskGraph, news: PlannerNews[]): SimRequest {
  const user = plannerUserPrompt({ goal: 'Plan a trip Tokyo → Kyoto', budget: DEFAULT_BUDGET, usage: EMPTY_USAGE, elapsedMs: 1000, graph, progressMarkdown: renderProgressMarkdown(graph), news, now: '2026-11-29T00:00:00.000Z', step: 3 });
  return {
    model: 'sim',
    messages: [
      { role: 'system', content: plannerSystemPrompt() },
      { role: 'user', content: user },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'planner_output' } },
  };
}

describe('the simulated planner on an operator rejection', () => {
  const book = task('book-train-tokyo-kyoto', 'blocked', { dependsOn: ['find-train-tokyo-kyoto'] });
  const base = [task('find-train-tokyo-kyoto', 'succeeded'), task('book-hotel-kyoto', 'running'), task('itinerary', 'pending', { dependsOn: ['book-train-tokyo-kyoto', 'book-hotel-kyoto'] })];

  it('gives up the rejected booking and what depends on it instead of booking another train', () => {
    const news: PlannerNews[] = [
      { kind: 'approval', summary: 'book_train for task book-train-tokyo-kyoto: rejected (no)' },
      { kind: 'report', taskId: 'book-train-tokyo-kyoto', status: 'blocked', summary: 'The booking of train NOZOMI-0900-2026-12-02 was rejected by the operator: no. It was not booked.', references: [], artifacts: [] },
    ];
    const out = PlannerOutput.parse(planFor(simRequest({ version: 4, tasks: [...base, book] }, news)));
    expect(out.operations).toEqual([
      { op: 'skip', id: 'book-train-tokyo-kyoto', reason: expect.stringMatching(/^rejected by the operator/) },
      { op: 'skip', id: 'itinerary', reason: expect.stringContaining('book-train-tokyo-kyoto') },
    ]);
  });

  it('finishes failed, not succeeded, once everything else is done and the final task was given up', () => {
    const tasks = [
      task('find-train-tokyo-kyoto', 'succeeded'),
      task('book-hotel-kyoto', 'succeeded'),
      task('book-train-tokyo-kyoto', 'skipped', { reason: 'rejected by the operator: no' }),
      task('itinerary', 'skipped', { dependsOn: ['book-train-tokyo-kyoto', 'book-hotel-kyoto'], reason: 'it depends on book-train-tokyo-kyoto, which the operator rejected' }),
    ];
    const out = PlannerOutput.parse(planFor(simRequest({ version: 6, tasks }, [])));
    expect(out.operations).toMatchObject([{ op: 'finish', status: 'failed', answer: expect.stringContaining('itinerary') }]);
    expect(out.operations).toHaveLength(1);
  });

  it('still finishes succeeded when a final-looking task was only skipped because it was replaced', () => {
    const tasks = [
      task('book-train-tokyo-kyoto', 'skipped', { reason: 'replaced by book-train-tokyo-kyoto-2: sold out' }),
      task('book-train-tokyo-kyoto-2', 'succeeded'),
      task('itinerary', 'succeeded', { dependsOn: ['book-train-tokyo-kyoto-2'] }),
    ];
    const out = PlannerOutput.parse(planFor(simRequest({ version: 6, tasks }, [])));
    expect(out.operations).toMatchObject([{ op: 'finish', status: 'succeeded' }]);
  });
});
