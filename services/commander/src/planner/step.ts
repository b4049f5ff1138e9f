import { actorIdOf, applyEach, checkBudget, decideStep, detectStall, renderProgressMarkdown, statusEvents, statusFingerprint } from '@aime/core';
import { answerWithDisruptions } from '@aime/core/views';
import type { ChatTurn } from '@aime/models';
import {
  CAPABILITY_WAIT_REASON,
  isActiveMissionStatus,
  isOpenTaskStatus,
  OPEN_MISSION_STATUSES,
  redactText,
  type ActorJob,
  type ArtifactRef,
  type FactoryJob,
  type GraphOperation,
  type NewEvent,
  type PlannerOutput,
  type Task,
  type TaskGraph,
} from '@aime/protocol';
import { isStoreError, type LockLease, type MissionRecord, type PlannerStore } from '@aime/store';
import type { Logger } from 'pino';
import { expirePendingApprovals, resumeDecidedActors, syncApprovalStatus } from './approvals.ts';
import { askPlanner, REPAIR_ROUNDS, type Asked, type PlannerReply } from './ask.ts';
import { digestInbox } from './news.ts';
import { plannerSystemPrompt, plannerUserPrompt, type PlannerNews } from './prompt.ts';

export type { ChatTurn };
export { REPAIR_ROUNDS };

/**
 * One call of the planner model; the implementation records usage. It returns the model's
 * raw text (never throws for what the model wrote: that is read and repaired here).
 * @param spec the mission's planner model, when it overrides the configured one.
 */
export type PlannerModelCall = (missionId: string, turns: ChatTurn[], signal?: AbortSignal, spec?: string) => Promise<string | PlannerReply>;
export type { PlannerReply };

export interface PlannerDeps {
  store: PlannerStore;
  callModel: PlannerModelCall;
  enqueueFactory(job: FactoryJob): Promise<void>;
  /** Re-enqueues an actor whose pending call was decided (approvals); without it such actors are not resumed. */
  resumeActor?(job: ActorJob, approvalId: string): Promise<void>;
  wake(missionId: string, reason: string): Promise<void>;
  /**
   * Wakes the planner after a delay (one waiting per mission). A step that finds the lock
   * held schedules one for when the lock would expire: a holder that died leaves no one else
   * to plan the mission. Without it, only the reaper notices (after its idle time).
   */
  wakeLater?(missionId: string, reason: string, delayMs: number): Promise<void>;
  logger: Logger;
  /** Who holds the lock (worker id). */
  holder: string;
  /** The mission lock's time to live, renewed every third of it while the step runs. @default 15000 */
  lockTtlMs?: number;
  now?: () => Date;
}

export type StepOutcome =
  | { kind: 'busy' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'planned'; dispatched: string[]; version: number }
  | { kind: 'finished'; status: 'succeeded' | 'failed' | 'cancelled' };

/** Steps in a row with no usable planner answer before the mission fails. */
export const MAX_BAD_STEPS = 3;
/** How much of the planner's last text goes into the failure message. */
const LAST_TEXT_CHARS = 500;

/**
 * Whether the task waits for a live worker (blocked by the Actor Factory). Like a running
 * task, it is work in progress: the factory unblocks it, so the planner neither loops nor
 * declares a stall while it waits.
 */
export function awaitsWorker(t: Task): boolean {
  return t.status === 'blocked' && (t.reason ?? '').startsWith(CAPABILITY_WAIT_REASON);
}

const inProgress = (t: Task): boolean => t.status === 'running' || awaitsWorker(t);

/** A mission failure the planner declares (budget, invalid plans, stall, model errors). */
export class MissionFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'MissionFailure';
  }
}

/**
 * One planning step of one mission: takes the mission's lock, folds the inbox into the
 * graph, asks the planner model for operations, validates and applies them, dispatches
 * every ready task the budget allows, and writes the graph with a version check.
 * A wake-up that arrives while the lock is held is never lost: after releasing it the
 * inbox is checked again.
 */
export async function runPlannerStep(deps: PlannerDeps, missionId: string, opts: { finalAttempt?: boolean } = {}): Promise<StepOutcome> {
  const ttl = deps.lockTtlMs ?? 15_000;
  let lease = await deps.store.acquireLock(missionId, 'planner', deps.holder, ttl);
  if (!lease) {
    // A live holder checks the inbox again when it releases; a dead one never will, so look
    // again once its lock must have expired.
    await deps.wakeLater?.(missionId, 'lock held', ttl + 500);
    return { kind: 'busy' };
  }
  const renew = setInterval(() => {
    if (!lease) return;
    deps.store.renewLock(lease, ttl).then(
      (l) => {
        if (l) lease = l;
      },
      (err: unknown) => deps.logger.warn({ err, missionId }, 'planner lock renewal failed'),
    );
  }, Math.max(1000, Math.floor(ttl / 3)));
  let outcome: StepOutcome;
  try {
    outcome = await stepLocked(deps, missionId, () => lease!, opts);
  } catch (err) {
    // A cancel that landed during the step: the commit refused it whole (no dispatch after a
    // cancel); close the mission instead.
    if (!isStoreError(err, 'conflict')) throw err;
    const mission = await deps.store.getMission(missionId);
    if (mission?.status !== 'cancelled') throw err;
    outcome = await finalizeCancelled(deps, mission);
  } finally {
    clearInterval(renew);
    if (lease) await deps.store.releaseLock(lease).catch(() => false);
  }
  // Checked after the release: anything pushed before it is seen here, anything after it
  // comes with its own wake-up that will find the lock free.
  const again = outcome.kind === 'planned' && outcome.dispatched.length === 0 ? await idleAgain(deps, missionId) : false;
  if (outcome.kind !== 'finished' && (again || (await deps.store.inboxLength(missionId)) > 0)) {
    await deps.wake(missionId, again ? 'idle' : 'inbox');
  }
  return outcome;
}

/** With nothing running and nothing dispatched, the planner must look again (stall detection bounds it). */
async function idleAgain(deps: PlannerDeps, missionId: string): Promise<boolean> {
  const [mission, graph] = await Promise.all([deps.store.getMission(missionId), deps.store.readGraph(missionId)]);
  if (!mission || !isActiveMissionStatus(mission.status)) return false;
  return !graph.tasks.some(inProgress);
}

async function stepLocked(deps: PlannerDeps, missionId: string, lease: () => LockLease, opts: { finalAttempt?: boolean }): Promise<StepOutcome> {
  const { store, logger } = deps;
  // Every read the step needs before the model call, issued together: the store's connection
  // auto-pipelines them into one write and one round trip instead of five in a row. Under the
  // lock no other planner step changes them; an inbox item pushed meanwhile waits for the next step.
  const [mission, start, items, state, intents] = await Promise.all([
    store.getMission(missionId),
    store.readGraph(missionId),
    store.peekInbox(missionId),
    store.getPlannerState(missionId),
    store.readIntents(missionId),
  ]);
  if (!mission) return { kind: 'skipped', reason: 'mission not found' };
  if (mission.status === 'succeeded' || mission.status === 'failed') {
    await store.drainInbox(missionId);
    return { kind: 'skipped', reason: `mission ${mission.status}` };
  }
  if (mission.status === 'cancelled') return finalizeCancelled(deps, mission);
  // Dispatches a crashed step committed but never enqueued go out first (job ids make it idempotent).
  await flushIntents(deps, missionId, intents);
  if (mission.status === 'paused') return { kind: 'skipped', reason: 'mission paused' };

  // 1. The inbox, read above without consuming it, is folded into the graph in memory: every
  //    write of this step happens in one commit below, so a crash anywhere repeats the step whole.
  const digest = await digestInbox(store, missionId, start, items);
  const pending = [...(state.news as PlannerNews[]), ...digest.news];
  if (digest.stale.length) logger.info({ missionId, stale: digest.stale }, 'ignored stale reports');
  const folded = applyEach(start, digest.ops);
  for (const r of folded.refused) logger.warn({ missionId, op: r.op.op, errors: r.errors }, 'runtime operation refused');
  /** Commits the folded inbox alone (no planner answer used): news kept for the next step. */
  const commitFolded = async (badSteps: number): Promise<TaskGraph> => {
    const { version } = await store.commitPlannerStep(missionId, {
      lease: lease(),
      expectedVersion: start.version,
      ...(folded.changed ? { graph: folded.graph } : {}),
      events: statusEvents(start, folded.graph),
      consumedInbox: items.length,
      state: { news: pending, badSteps },
      intents: [],
    });
    return { ...folded.graph, version };
  };
  const graph = folded.graph;
  // Approvals: decided calls resume their actors (idempotent job ids); the status says whether any still waits.
  if (digest.resumes.length) await resumeDecidedActors(deps, missionId, graph, digest.resumes);
  await syncApprovalStatus(store, missionId, graph);

  // 2. Budget (tokens, cost, wall time, planner steps).
  const now = (deps.now ?? (() => new Date()))();
  const elapsedMs = now.getTime() - Date.parse(mission.createdAt);
  const budget = checkBudget(mission.budget, mission.usage, elapsedMs);
  if (!budget.ok) return failMission(deps, mission, await commitFolded(state.badSteps), new MissionFailure('budget_exceeded', budget.message));
  // A wake-up with nothing new while actors work (the reaper, a duplicate) needs no planner call.
  if (!pending.length && graph.tasks.some(inProgress)) {
    if (items.length || folded.changed) await commitFolded(state.badSteps);
    return { kind: 'skipped', reason: 'nothing new while tasks run' };
  }

  if (mission.status === 'queued') await store.setMissionStatus(missionId, 'planning', { from: ['queued'] });

  // 3. Ask the planner; invalid operations are quoted back for repair, valid ones are kept.
  const step = mission.usage.plannerSteps + 1;
  const turns: ChatTurn[] = [
    { role: 'system', content: plannerSystemPrompt() },
    {
      role: 'user',
      content: plannerUserPrompt({
        goal: mission.goal,
        ...(mission.context ? { context: mission.context } : {}),
        budget: mission.budget,
        usage: mission.usage,
        elapsedMs,
        graph,
        progressMarkdown: renderProgressMarkdown(graph),
        news: pending,
        now: now.toISOString(),
        step,
      }),
    },
  ];
  let asked: Asked;
  try {
    asked = await askPlanner({ store, callModel: deps.callModel }, mission, graph, turns, step, now.toISOString());
  } catch (err) {
    if (!opts.finalAttempt) throw err;
    return failMission(deps, mission, await commitFolded(state.badSteps), new MissionFailure('planner_unavailable', `the planner model failed: ${redactText((err as Error).message)}`));
  }
  if (!asked.usable) {
    // Nothing usable after the repair rounds: keep the news for the next step, and give up
    // only after a bounded number of such steps.
    const bad = state.badSteps + 1;
    const committed = await commitFolded(bad);
    if (bad >= MAX_BAD_STEPS) {
      const last = asked.lastText.length > LAST_TEXT_CHARS ? `${asked.lastText.slice(0, LAST_TEXT_CHARS)}…` : asked.lastText;
      return failMission(
        deps,
        mission,
        committed,
        new MissionFailure('invalid_plan', `the planner gave no usable answer in ${bad} steps: ${asked.errors.join('; ')}. Its last answer: ${JSON.stringify(last)}`),
      );
    }
    logger.warn({ missionId, step, badSteps: bad, errors: asked.errors }, 'the planner gave no usable answer; the news is kept for the next step');
    return { kind: 'planned', dispatched: [], version: committed.version };
  }
  const answer = asked.answer;
  const output: PlannerOutput = { thought: answer.thought, operations: answer.applied };

  // 4. Finish, or decide the dispatches (pure, libs/core) and commit the whole step at once.
  if (answer.finish) {
    return finishMission(deps, mission, start, answer.graph, output, answer.finish, step);
  }
  const decision = decideStep({
    before: start,
    after: answer.graph,
    preferred: answer.preferred,
    thought: output.thought,
    operations: output.operations,
    step,
    maxParallelActors: mission.budget.maxParallelActors,
    now: now.toISOString(),
  });
  const { version } = await store.commitPlannerStep(missionId, {
    lease: lease(),
    expectedVersion: start.version,
    graph: decision.graph,
    events: decision.events,
    consumedInbox: items.length,
    state: { news: [], badSteps: 0 },
    intents: decision.dispatches.map((d): FactoryJob => ({ missionId, taskId: d.taskId, attempt: d.attempt })),
  });
  const next = { ...decision.graph, version };
  // The status, the intents just committed and the stall history, written and read together.
  const [, committedIntents, history] = await Promise.all([
    decision.dispatches.length || next.tasks.some((t) => t.status === 'running') ? store.setMissionStatus(missionId, 'running', { from: ['planning', 'queued'] }) : undefined,
    store.readIntents(missionId),
    store.getStallHistory(missionId),
  ]);
  await flushIntents(deps, missionId, committedIntents);
  const stalled = await checkStall(deps, missionId, next, step, history);
  if (stalled) return failMission(deps, (await store.getMission(missionId)) ?? mission, next, stalled);
  return { kind: 'planned', dispatched: decision.dispatches.map((d) => d.taskId), version };
}

/** Enqueues the factory jobs committed as intents, then drops them (a crash in between re-enqueues: same job ids). */
async function flushIntents(deps: PlannerDeps, missionId: string, read?: FactoryJob[]): Promise<void> {
  const intents = read ?? (await deps.store.readIntents(missionId));
  if (!intents.length) return;
  // Enqueued together (each job id is fixed, so a retry after a partial failure adds no duplicate).
  await Promise.all(intents.map((job) => deps.enqueueFactory(job)));
  await deps.store.clearIntents(missionId, intents.length);
}

export { actorIdOf };

async function checkStall(deps: PlannerDeps, missionId: string, graph: TaskGraph, step: number, history: Awaited<ReturnType<PlannerStore['getStallHistory']>>): Promise<MissionFailure | null> {
  history.push({ step, graphVersion: graph.version, statusFingerprint: statusFingerprint(graph) });
  const recent = history.slice(-20);
  await deps.store.putStallHistory(missionId, recent);
  if (graph.tasks.some(inProgress)) return null;
  const stall = detectStall(recent);
  return stall.stalled ? new MissionFailure('stalled', `the mission stopped making progress: ${stall.reason}`) : null;
}

/** Closes every open task and ends the mission, exactly once. */
async function closeMission(
  deps: PlannerDeps,
  mission: MissionRecord,
  graph: TaskGraph,
  status: 'succeeded' | 'failed' | 'cancelled',
  extra: { answer?: string; artifacts?: ArtifactRef[]; error?: { code: string; message: string }; planEvent?: NewEvent; base?: TaskGraph },
): Promise<StepOutcome> {
  const { store } = deps;
  const reason = status === 'cancelled' ? 'mission cancelled' : `mission ${status}`;
  const ops: GraphOperation[] = graph.tasks
    .filter((t) => isOpenTaskStatus(t.status) && !graph.tasks.some((c) => c.parentId === t.id))
    .map((t) => ({ op: 'cancel', id: t.id, reason }));
  let closed = graph;
  if (ops.length) {
    const r = applyEach(graph, ops);
    for (const x of r.refused) deps.logger.warn({ missionId: mission.id, op: x.op.op, errors: x.errors }, 'runtime operation refused');
    closed = r.graph;
  }
  // Status changes since `base` (the stored graph, when the step folded reports in memory).
  const events = [...(extra.planEvent ? [extra.planEvent] : []), ...statusEvents(extra.base ?? graph, closed)];
  if (events.length) await store.writeGraph(mission.id, graph.version, closed, events);
  await expirePendingApprovals(store, mission.id, status);
  if (status !== 'cancelled') {
    const changed = await store.setMissionStatus(mission.id, status, {
      from: [...OPEN_MISSION_STATUSES],
      ...(status === 'succeeded' ? { result: { answer: extra.answer ?? '', artifacts: extra.artifacts ?? [] } } : {}),
      ...(extra.error ? { error: extra.error, reason: extra.error.message } : {}),
      ...(status === 'failed' && extra.answer ? { result: { answer: extra.answer, artifacts: extra.artifacts ?? [] } } : {}),
    });
    if (!changed) return { kind: 'skipped', reason: 'mission already ended' };
  }
  // Once per mission: the store writes the marker and the event together.
  await store.announceMissionFinished(mission.id, {
    status,
    ...(extra.answer ? { answer: extra.answer } : {}),
    artifacts: extra.artifacts ?? [],
    ...(extra.error ? { error: extra.error } : {}),
  });
  await store.drainInbox(mission.id);
  return { kind: 'finished', status };
}

function finalizeCancelled(deps: PlannerDeps, mission: MissionRecord): Promise<StepOutcome> {
  return deps.store.readGraph(mission.id).then((graph) => closeMission(deps, mission, graph, 'cancelled', {}));
}

function failMission(deps: PlannerDeps, mission: MissionRecord, graph: TaskGraph, failure: MissionFailure): Promise<StepOutcome> {
  deps.logger.warn({ missionId: mission.id, code: failure.code }, failure.message);
  return closeMission(deps, mission, graph, 'failed', { error: { code: failure.code, message: failure.message } });
}

async function finishMission(
  deps: PlannerDeps,
  mission: MissionRecord,
  before: TaskGraph,
  after: TaskGraph,
  output: PlannerOutput,
  finish: { status: 'succeeded' | 'failed'; answer: string; artifacts: ArtifactRef[] },
  step: number,
): Promise<StepOutcome> {
  // Without artifacts named by the planner, the mission keeps those of its succeeded reports.
  const artifacts = finish.artifacts.length
    ? finish.artifacts
    : after.tasks.filter((t) => t.status === 'succeeded').flatMap((t) => t.report?.artifacts ?? []);
  const planEvent: NewEvent = {
    type: 'plan.updated',
    data: { version: before.version + 1, step, thought: output.thought, operations: output.operations, added: [], changed: [], removed: [] },
  };
  const graphWithPlan = after;
  // closeMission writes `after` (plus cancellations of leftovers) against the version read before.
  return closeMission(deps, mission, { ...graphWithPlan, version: before.version }, finish.status, {
    // A succeeded answer names the disruptions the mission handled (replaced tasks), so the caller learns the plan changed.
    answer: finish.status === 'succeeded' ? answerWithDisruptions(finish.answer, after.tasks) : finish.answer,
    artifacts,
    ...(finish.status === 'failed' ? { error: { code: 'mission_failed', message: finish.answer } } : {}),
    planEvent,
    base: before,
  });
}
