import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { createUsageCallback, modelInfo, type ModelsConfig } from '@aime/models';
import { ActorSpec, isTerminalMissionStatus, type ActorJob, type Bundle, type FactoryJob } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import { chooseActor } from './choose-actor.ts';
import { buildKnowledge } from './knowledge.ts';
import { BUILTIN_TOOLS, OUTPUT_FORMAT, composeSystemPrompt, type ToolLine } from './prompt.ts';
import { usageSink } from './usage-sink.ts';

/** The actor id of a task's attempt (the planner assigns the same at dispatch). */
export const actorIdOf = (taskId: string, attempt: number): string => `${taskId}.${attempt}`;

/**
 * The BullMQ job id of an actor job: one per actor, so a retried factory job does not
 * spawn it twice. BullMQ refuses custom ids with a `:` unless they have exactly three
 * `:`-separated parts, hence the suffix and the escaping.
 */
export function actorJobId(missionId: string, actorId: string): string {
  const part = (s: string): string => s.replaceAll(':', '_');
  return `${part(missionId)}:${part(actorId)}:actor`;
}

/** BullMQ options of an actor job. */
export const ACTOR_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
} as const;

export interface BuildSpecDeps {
  store: MissionStore;
  models: ModelsConfig;
  actors: Queue;
  logger: Logger;
  maxSteps: number;
  now?: () => Date;
}

export type BuildSpecOutcome = { spawned: true; spec: ActorSpec; reused: boolean } | { spawned: false; reason: string };

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
 * Handles one factory job: builds the ActorSpec of the task's attempt, stores it, appends
 * `actor.spawned`, counts the actor and enqueues its actor job. Skips quietly when the
 * mission finished or the task is no longer running with that attempt.
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

  const actorJob: ActorJob = { missionId, taskId, actorId };
  const existing = await store.getActorSpec(missionId, actorId);
  if (existing) {
    // A retried factory job: the actor exists, only make sure its job is queued (same job id).
    await deps.actors.add('actor', actorJob, { ...ACTOR_JOB_OPTIONS, jobId: actorJobId(missionId, actorId) });
    return { spawned: true, spec: existing, reused: true };
  }

  const live = await store.listBundles();
  const usage = createUsageCallback({ role: 'factory', model: modelInfo(deps.models).factory, missionId, taskId, actorId }, usageSink(store));
  const choice = await chooseActor({ models: deps.models, goal: mission.goal, task, bundles: live, callbacks: [usage], logger: log });
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
  await deps.actors.add('actor', actorJob, { ...ACTOR_JOB_OPTIONS, jobId: actorJobId(missionId, actorId) });
  log.info({ bundles: spec.bundles, persona: spec.persona.name, source: choice.source }, 'actor spawned');
  return { spawned: true, spec, reused: false };
}
