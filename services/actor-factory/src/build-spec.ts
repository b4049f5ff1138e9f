import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { createUsageCallback, modelInfo, type ModelsConfig } from '@aime/models';
import { ActorSpec, isTerminalMissionStatus, type ActorJob, type Bundle, type FactoryJob } from '@aime/protocol';
import { mergeBundles, routeActorJob, type FactoryStore } from '@aime/store';
import { chooseActor } from './choose-actor.ts';
import { buildKnowledge } from './knowledge.ts';
import { BUILTIN_TOOLS, OUTPUT_FORMAT, composeSystemPrompt, type ToolLine } from './prompt.ts';
import { usageSink } from './usage-sink.ts';
import { ACTOR_JOB_OPTIONS, actorIdOf, actorJobId } from '@aime/queues';
import { traceCarrier } from '@aime/telemetry';

/** The actor id of a task's attempt (the planner assigns the same at dispatch). */
export { actorIdOf };

export { ACTOR_JOB_OPTIONS, actorJobId };

export interface BuildSpecDeps {
  store: FactoryStore;
  models: ModelsConfig;
  /** The BullMQ queue of that name (actor jobs go to the queue of a worker serving their bundles). */
  actorQueue(name: string): Queue;
  /** Wakes the planner after a task was blocked; without it the blocked task waits for the next wake-up. */
  wake?(missionId: string, reason: string): Promise<void>;
  logger: Logger;
  maxSteps: number;
  now?: () => Date;
}

export type BuildSpecOutcome =
  | { spawned: true; spec: ActorSpec; reused: boolean; queue: string }
  | { spawned: false; reason: string; blocked?: { bundles: string[] } };

function permissions(bundles: Bundle[]): string[] {
  const tools = bundles.flatMap((b) => b.tools);
  const readOnly = tools.filter((t) => t.sideEffects === 'none').map((t) => t.name);
  const writes = tools.filter((t) => t.sideEffects !== 'none').map((t) => t.name);
  const approval = tools.filter((t) => t.requiresApproval).map((t) => t.name);
  const out: string[] = [];
  if (readOnly.length) out.push(`read-only: ${readOnly.join(', ')}`);
  if (writes.length) out.push(`may change the world (bookings, payments): ${writes.join(', ')}`);
  if (approval.length) out.push(`each call needs an operator's approval: ${approval.join(', ')}`);
  return out;
}

/**
 * The task cannot run now: no live worker serves what its actor needs. The planner hears it
 * (`blocked` in its inbox, so the task shows `blocked` with the reason) before the wait is
 * recorded, so the watcher's `unblocked` always comes after it.
 */
async function block(deps: BuildSpecDeps, job: FactoryJob, bundles: string[], reason: string): Promise<BuildSpecOutcome> {
  const { store } = deps;
  await store.pushInbox(job.missionId, { kind: 'blocked', taskId: job.taskId, reason });
  await store.putCapabilityWait({ ...job, bundles, reason, since: new Date().toISOString() });
  await deps.wake?.(job.missionId, `task ${job.taskId} blocked`);
  deps.logger.info({ ...job, bundles, reason }, 'task waits for a live worker');
  return { spawned: false, reason, blocked: { bundles } };
}

/**
 * Handles one factory job: builds the ActorSpec of the task's attempt, stores it, appends
 * `actor.spawned`, counts the actor and enqueues its actor job on the queue of live workers
 * serving all its bundles. Skips quietly when the mission finished or the task is no longer
 * running with that attempt. When no live worker serves the chosen bundles (the model may
 * choose known bundles whose workers are gone), it blocks the task instead of spawning.
 */
export async function buildSpec(deps: BuildSpecDeps, job: FactoryJob): Promise<BuildSpecOutcome> {
  const { store, logger } = deps;
  const { missionId, taskId, attempt } = job;
  const actorId = actorIdOf(taskId, attempt);
  const log = logger.child({ missionId, taskId, actorId });

  const mission = await store.getMission(missionId);
  if (!mission) return { spawned: false, reason: 'mission not found' };
  if (isTerminalMissionStatus(mission.status)) return { spawned: false, reason: `mission ${mission.status}` };
  const graph = await store.readGraph(missionId);
  const task = graph.tasks.find((t) => t.id === taskId);
  if (!task) return { spawned: false, reason: 'task not found' };
  if (task.status !== 'running' || task.attempts !== attempt || (task.actorId !== undefined && task.actorId !== actorId)) {
    return { spawned: false, reason: `task is ${task.status} at attempt ${task.attempts}, not running attempt ${attempt}` };
  }

  const trace = traceCarrier();
  const actorJob: ActorJob = { missionId, taskId, actorId, ...(trace ? { trace } : {}) };
  const existing = await store.getActorSpec(missionId, actorId);
  if (existing) {
    // A retried factory job: the actor exists, only make sure its job is queued (same job id).
    const route = routeActorJob(await store.listWorkers(), existing.bundles);
    if (!route.ok) return block(deps, job, existing.bundles, route.reason);
    await store.recordActorQueue(missionId, actorId, route.queue);
    await deps.actorQueue(route.queue).add('actor', actorJob, { ...ACTOR_JOB_OPTIONS, jobId: actorJobId(missionId, actorId) });
    return { spawned: true, spec: existing, reused: true, queue: route.queue };
  }

  const workers = await store.listWorkers();
  const live = mergeBundles(workers);
  const offline = (await store.listKnownBundles()).filter((k) => !live.some((b) => b.name === k.name));
  // A mission may run another factory model than the configured one (POST /v1/missions `model`).
  const factoryModel = mission.model?.factory ?? modelInfo(deps.models).factory;
  const usage = createUsageCallback({ role: 'factory', model: factoryModel, missionId, taskId, actorId }, usageSink(store), deps.models.prices);
  const choice = await chooseActor({ models: deps.models, goal: mission.goal, task, bundles: live, offline, callbacks: [usage], logger: log, spec: factoryModel });
  const route = routeActorJob(workers, choice.bundles);
  if (!route.ok) return block(deps, job, choice.bundles, route.reason);
  const chosen = live.filter((b) => choice.bundles.includes(b.name));
  const toolLines: ToolLine[] = [...chosen.flatMap((b) => b.tools.map((t) => ({ name: t.name, description: t.description }))), ...BUILTIN_TOOLS];

  const base = {
    persona: choice.persona,
    knowledge: buildKnowledge(mission, graph, task),
    environment: { now: (deps.now?.() ?? new Date()).toISOString(), timezone: 'UTC', permissions: permissions(chosen) },
    outputFormat: OUTPUT_FORMAT,
    maxSteps: deps.maxSteps,
  };
  const spec = ActorSpec.parse({
    ...base,
    actorId,
    missionId,
    taskId,
    attempt,
    bundles: chosen.map((b) => b.name),
    tools: [...new Set(toolLines.map((t) => t.name))],
    systemPrompt: composeSystemPrompt(base, mission.goal, task, toolLines),
    createdAt: new Date().toISOString(),
  });

  await store.putActorSpec(spec);
  await store.appendEvent(missionId, {
    type: 'actor.spawned',
    taskId,
    actorId,
    data: { persona: spec.persona, bundles: spec.bundles, tools: spec.tools, attempt },
  });
  await store.addUsage(missionId, { actors: 1 });
  await store.recordActorQueue(missionId, actorId, route.queue);
  await deps.actorQueue(route.queue).add('actor', actorJob, { ...ACTOR_JOB_OPTIONS, jobId: actorJobId(missionId, actorId) });
  log.info({ bundles: spec.bundles, persona: spec.persona.name, source: choice.source, queue: route.queue }, 'actor spawned');
  return { spawned: true, spec, reused: false, queue: route.queue };
}
