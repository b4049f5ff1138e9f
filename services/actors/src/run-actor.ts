import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { HumanMessage, type AIMessage } from '@langchain/core/messages';
import { AdaptiveChatModel, createUsageCallback, modelInfo, unsupportedFeature, usageFromMessage, type ModelsConfig } from '@aime/models';
import { checkToolCall, inputJsonSchema, runTool, type BundleDefinition, type ToolDefinition } from '@aime/plugin-sdk';
import { errorMessage, isTerminalMissionStatus, redactText, type ActorJob, type ActorSpec, type Report, type TokenUsage } from '@aime/protocol';
import { usageSink, type ActorStore, type PendingStep } from '@aime/store';
import { ATTR, failSpan, idAttributes, inSpan, runtimeMetrics, secondsSince, SPAN } from '@aime/telemetry';
import { approvalGate } from './approvals.ts';
import { estimateCall, recordEffects } from './effects.ts';
import { reportAfterRejections } from './rejection.ts';
import { callDigest } from './call-digest.ts';
import { builtinTools, SUBMIT_REPORT, type SubmittedReport } from './builtin-tools.ts';
import { contextMessages, DEFAULT_HISTORY_TOKENS } from './context-window.ts';
import { ActorError } from './errors.ts';
import { MissionWatch } from './mission-watch.ts';
import { REPEAT_LIMIT, repeatCount, repeatNote, stepLimitReport, stepsLeftMessage, TEXT_ONLY_LIMIT, textOnlyStreak, textReport } from './loop-guard.ts';
import { cappedObservation, DEFAULT_MAX_OBSERVATION_CHARS, invalidArgsObservation, observationOf, truncate, unknownToolObservation } from './observation.ts';
import { alreadyReported, submitReport } from './report.ts';
import { toolContext, toolLogger, worldEventReader, type ToolContextBase } from './tool-context.ts';
import { callIds, readSteps, storeAi, type StepEntry, type StoredAi, type StoredResult } from './transcript.ts';

/** Where a checkpoint was taken; for fault-injection hooks in tests and drills. */
export interface CheckpointInfo {
  missionId: string;
  actorId: string;
  step: number;
  /** `tool`: after one tool call of the step (`callIndex`); `step`: after the whole step. */
  phase: 'tool' | 'step';
  callIndex?: number;
  toolName?: string;
}

/** Hooks for fault injection. A hook that throws fails the job attempt, like a crash at that point. */
export interface ActorHooks {
  afterCheckpoint?(info: CheckpointInfo): void | Promise<void>;
}

export interface RunActorDeps {
  store: ActorStore;
  models: ModelsConfig;
  planner: Queue;
  /** The bundles this worker serves, by name. */
  bundles: Map<string, BundleDefinition>;
  logger: Logger;
  pollMs: number;
  hooks?: ActorHooks;
  /** Recorded on the first `actor.step` of each run, so one can tell where an actor ran. */
  workerId?: string;
  /** Characters of one tool observation the model sees; the rest is stored and read in pages. @default 4000 */
  maxObservationChars?: number;
  /** Tokens (characters / 4) of step history sent to the model; older steps are shortened. @default 12000 */
  historyTokens?: number;
  /** Aborted when the worker drains (SIGTERM): the actor stops at its next step boundary and its job goes back to the queue. */
  drain?: AbortSignal;
}

/**
 * How an actor job ended. `awaiting_approval`: a call waits for an operator's decision; the
 * step is checkpointed and the planner re-enqueues the actor once it is decided.
 */
export type ActorOutcome = 'reported' | 'cancelled' | 'skipped' | 'gave_up' | 'awaiting_approval' | 'handed_back';


/** The plugin tools of the spec's bundles. @throws ActorError `bundle_unavailable` when this worker lacks one. */
function pluginTools(spec: ActorSpec, bundles: Map<string, BundleDefinition>): ToolDefinition[] {
  const missing = spec.bundles.filter((b) => !bundles.has(b));
  if (missing.length) {
    throw new ActorError('bundle_unavailable', `this worker does not serve bundle(s) ${missing.join(', ')} needed by actor ${spec.actorId}`);
  }
  const tools = spec.bundles.flatMap((b) => bundles.get(b)?.tools ?? []);
  return tools.filter((t) => spec.tools.includes(t.name));
}

/**
 * Runs one actor: a ReAct loop of model calls and tool calls, checkpointed every step, until
 * it submits a report, runs out of steps (a failed report), or is stopped from outside (no
 * report). A restarted job continues after the last checkpoint without repeating done calls.
 * @throws ActorError `model_failed` when a model call fails for good (BullMQ retries the job).
 */
export async function runActor(deps: RunActorDeps, job: ActorJob): Promise<ActorOutcome> {
  const { store } = deps;
  const { missionId, taskId, actorId } = job;
  const log = deps.logger.child({ missionId, taskId, actorId });

  const spec = await store.getActorSpec(missionId, actorId);
  if (!spec) throw new ActorError('spec_not_found', `no ActorSpec for actor ${actorId} of mission ${missionId}`);
  const mission = await store.getMission(missionId);
  if (!mission || isTerminalMissionStatus(mission.status)) return 'skipped';
  const task = (await store.readGraph(missionId)).tasks.find((t) => t.id === taskId);
  if (!task || task.status !== 'running' || (task.actorId !== undefined && task.actorId !== actorId)) return 'skipped';
  if (await alreadyReported(store, missionId, actorId)) return 'reported';

  const ids = { missionId, taskId, actorId };
  const progress = async (status: string, message: string): Promise<void> => {
    await store.setProgress(missionId, taskId, { status: status.slice(0, 200), message: message.slice(0, 4000), at: new Date().toISOString() });
    await store.appendEvent(missionId, { type: 'actor.progress', taskId, actorId, data: { status, message } });
  };
  const maxObservationChars = deps.maxObservationChars ?? DEFAULT_MAX_OBSERVATION_CHARS;
  const historyTokens = deps.historyTokens ?? DEFAULT_HISTORY_TOKENS;
  const readArtifact = async (artifactId: string): Promise<{ name: string; content: string } | null> => {
    const a = await store.getArtifact(missionId, artifactId);
    return a ? { name: a.ref.name, content: a.content } : null;
  };
  const tools = [...pluginTools(spec, deps.bundles), ...builtinTools({ progress, readArtifact, maxObservationChars })];
  const byName = new Map(tools.map((t) => [t.name, t]));
  const toolNames = tools.map((t) => t.name);
  // The mission's actor model (it may override the configured one), through the endpoint's
  // adaptations: streaming-only servers, answers cut at the max-tokens limit.
  const actorSpec = mission.model?.actor ?? modelInfo(deps.models).actor;
  const model = new AdaptiveChatModel({ cfg: deps.models, role: 'actor', ...(actorSpec !== deps.models.models.actor.spec ? { spec: actorSpec } : {}), logger: log });
  const toolDefs = tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: inputJsonSchema(t) } }));
  const usageCallback = createUsageCallback({ role: 'actor', model: actorSpec, missionId, taskId, actorId }, usageSink(store), deps.models.prices);

  const watch = new MissionWatch(store, ids, deps.pollMs);
  const ctxBase: ToolContextBase = {
    ...ids,
    signal: watch.signal,
    logger: toolLogger(log),
    store,
    mission: { goal: mission.goal, context: mission.context ?? {} },
    progress: (message) => progress('in_progress', message),
    worldEvents: worldEventReader(store, missionId),
  };

  // Every step so far; what the model is sent is cut from it to fit the context (contextMessages).
  const entries = readSteps(await store.readTranscript(missionId, actorId));
  let step = entries.length ? entries[entries.length - 1]!.step + 1 : 0;
  // The step being worked on, saved after the model call and after each tool call.
  const saved = await store.getPendingStep(missionId, actorId);
  let pending: PendingStep | undefined = saved && saved.step === step ? saved : undefined;
  if (entries.length || pending) log.info({ step, resumedCalls: pending?.results.length ?? 0 }, 'actor resumes from its checkpoint');

  const checkpoint = async (info: Omit<CheckpointInfo, 'missionId' | 'actorId'>): Promise<void> => {
    await deps.hooks?.afterCheckpoint?.({ missionId, actorId, ...info });
  };

  let unsignedWorker = deps.workerId;
  const ranOn = (): { workerId?: string } => {
    const workerId = unsignedWorker;
    unsignedWorker = undefined;
    return workerId ? { workerId } : {};
  };

  await watch.poll();
  watch.start();
  try {
    while (step < spec.maxSteps) {
      // Draining: every step so far is checkpointed, so another worker continues from here.
      if (deps.drain?.aborted) return 'handed_back';
      if (!(await watch.waitWhilePaused())) return 'cancelled';

      let ai: StoredAi;
      let results: StoredResult[];
      let usage: TokenUsage | undefined;
      // Small models drift into prose: after two text-only answers a tool call is required.
      const forced = textOnlyStreak(entries) >= TEXT_ONLY_LIMIT;
      const stepsLeft = stepsLeftMessage(step, spec.maxSteps);
      if (pending) {
        ({ ai, results } = pending);
        pending = undefined;
      } else {
        const { messages, elided, dropped } = contextMessages(spec.systemPrompt, entries, historyTokens);
        if (dropped.length || elided.length) log.debug({ step, elided: elided.length, dropped: dropped.length }, 'older steps shortened to fit the context');
        if (stepsLeft) messages.push(new HumanMessage(stepsLeft));
        let msg: AIMessage;
        try {
          // A signal per call: the client leaves a listener on the signal it is given, which would pile up over the steps.
          const call = (required: boolean) =>
            model.invoke(messages, { signal: AbortSignal.any([watch.signal]), callbacks: [usageCallback], tools: toolDefs, ...(required ? { tool_choice: 'required' } : {}) });
          msg = (
            await call(forced).catch((err: unknown) => {
              // A server that refuses `tool_choice: required`: ask without it (a text answer is then taken as the report).
              if (forced && unsupportedFeature(err) === 'tools') return call(false);
              throw err;
            })
          ).message;
        } catch (err) {
          if (watch.signal.aborted) return 'cancelled';
          // Provider errors may echo a key fragment or an Authorization header: scrubbed before the message travels.
          throw new ActorError('model_failed', `the actor model failed at step ${step}: ${redactText(errorMessage(err))}`, { cause: err });
        }
        if (watch.signal.aborted) return 'cancelled';
        const stored = storeAi(msg, step, callIds(entries));
        ai = { ...stored, tool_calls: stored.tool_calls.map((c) => ({ ...c, name: canonicalToolName(c.name, toolNames) })) };
        results = [];
        const u = usageFromMessage(msg);
        if (u) usage = { promptTokens: u.promptTokens, completionTokens: u.completionTokens };
        await store.putPendingStep(missionId, actorId, { step, ai, results } satisfies PendingStep);
      }

      const notes = [
        ...(forced ? [`a tool call was required after ${TEXT_ONLY_LIMIT} answers without one`] : []),
        ...(stepsLeft ? [`told the model: ${stepsLeft}`] : []),
      ];
      if (ai.tool_calls.length === 0) {
        const accepted = forced ? '; the model still answered with text only, so its text is taken as the report (succeeded)' : '';
        const note = notes.length ? `${notes.join('; ')}${accepted}` : undefined;
        await store.appendEvent(missionId, { type: 'actor.step', taskId, actorId, data: { step, thought: ai.content, ...(note ? { note } : {}), ...(usage ? { usage } : {}), ...ranOn() } });
        if (forced) {
          await store.appendTranscript(missionId, actorId, { step, ai, results } satisfies StepEntry);
          await checkpoint({ step, phase: 'step' });
          const report = textReport(ai.content);
          await submitReport({ store, planner: deps.planner }, ids, report);
          log.info({ status: report.status, steps: step + 1 }, 'actor reported with its text answer (a tool call was required)');
          return 'reported';
        }
      }
      let report: Report | undefined;
      for (let i = 0; i < ai.tool_calls.length; i++) {
        const call = ai.tool_calls[i]!;
        const done = results[i];
        if (done) {
          // Done before a restart: not repeated. A report it carried is handed in again (idempotent).
          if (call.name === SUBMIT_REPORT && !done.observation.startsWith('Error')) report = reportFrom(done.observation);
          if (report) break;
          continue;
        }
        if (watch.signal.aborted) return 'cancelled';
        let observation: string;
        let submitted: SubmittedReport | undefined;
        const tool = byName.get(call.name);
        if (call.invalidArgs !== undefined) observation = invalidArgsObservation(call.name, call.invalidArgs, call.invalidReason);
        else if (!tool) observation = unknownToolObservation(call.name, toolNames);
        else {
          // Arguments are checked before anyone is asked: a wrong call fails without an approval.
          const check = await checkToolCall(tool, call.args, ids);
          // A risky call waits for an operator without holding a worker slot: the pending step
          // (model answer and done calls) is already saved, so the job just ends.
          const gate = check.ok && check.needsApproval
            ? await approvalGate(
                { store, planner: deps.planner },
                {
                  ...ids,
                  step,
                  callIndex: i,
                  tool: call.name,
                  args: call.args,
                  thought: ai.content,
                  sideEffects: tool.sideEffects,
                  ...(await estimateCall(tool, call.args, toolContext(ctxBase, step, i, callDigest(call.name, call.args))).then((estimate) => (estimate ? { estimate } : {}))),
                },
              )
            : undefined;
          if (gate?.kind === 'wait') {
            log.info({ step, tool: call.name, approvalId: gate.approval.id }, 'actor waits for an approval');
            return 'awaiting_approval';
          }
          if (!check.ok) observation = observationOf(check.result);
          else if (gate?.kind === 'rejected') observation = gate.observation;
          else {
            const result = await inSpan(SPAN.tool(call.name), { attributes: { [ATTR.genAiToolName]: call.name, ...idAttributes(ids) } }, async (span) => {
              const startedAt = Date.now();
              const r = await runTool(tool, call.args, toolContext(ctxBase, step, i, callDigest(call.name, call.args)));
              const metrics = runtimeMetrics();
              metrics.toolCalls.inc({ tool: call.name, status: r.ok ? 'ok' : 'error' });
              metrics.toolDuration.observe({ tool: call.name }, secondsSince(startedAt));
              if (!r.ok) failSpan(span, r.error.code);
              return r;
            });
            if (watch.signal.aborted) return 'cancelled';
            observation = observationOf(result);
            // Bookings, payments...: what the result declares goes into the mission's side-effect ledger.
            if (result.ok) await recordEffects(store, ids, call.name, step, result.output);
            if (result.ok && call.name === SUBMIT_REPORT) submitted = result.output as SubmittedReport;
          }
        }
        // A report's observation is read back on resume, so it is never cut (and it ends the loop).
        if (observation.length > maxObservationChars && call.name !== SUBMIT_REPORT) {
          const full = await store.putArtifact(missionId, { name: `observation-step${step}-${call.name}.txt`.slice(0, 200), content: observation, mimeType: 'text/plain' });
          observation = cappedObservation(observation, full.id, maxObservationChars);
        }
        const repeats = repeatCount(entries, ai.tool_calls.slice(0, i), call);
        const stall = repeats >= REPEAT_LIMIT;
        if (stall) observation += repeatNote(call.name, repeats);
        results = [...results, { toolCallId: call.id, name: call.name, observation }];
        await store.putPendingStep(missionId, actorId, { step, ai, results } satisfies PendingStep);
        await store.appendEvent(missionId, {
          type: 'actor.step',
          taskId,
          actorId,
          data: {
            step,
            thought: i === 0 ? ai.content : '',
            toolCall: { id: call.id, name: call.name, args: call.invalidArgs ?? call.args },
            observation: truncate(observation),
            ...(stall ? { stall: true } : {}),
            ...(i === 0 && notes.length ? { note: notes.join('; ') } : {}),
            ...(i === 0 && usage ? { usage } : {}),
            ...ranOn(),
          },
        });
        await checkpoint({ step, phase: 'tool', callIndex: i, toolName: call.name });
        if (submitted) {
          report = submitted.report;
          break;
        }
      }

      const entry: StepEntry = { step, ai, results };
      await store.appendTranscript(missionId, actorId, entry);
      await checkpoint({ step, phase: 'step' });
      entries.push(entry);
      if (report) {
        // A call the operator rejected and the actor did not get past: the task cannot have succeeded.
        report = reportAfterRejections(entries, report);
        await submitReport({ store, planner: deps.planner }, ids, report);
        log.info({ status: report.status, steps: step + 1 }, 'actor reported');
        return 'reported';
      }
      step++;
    }
    if (watch.signal.aborted) return 'cancelled';
    await submitReport({ store, planner: deps.planner }, ids, stepLimitReport(spec.maxSteps, entries));
    log.warn({ maxSteps: spec.maxSteps }, 'actor gave up: step limit reached');
    return 'gave_up';
  } finally {
    watch.stop();
  }
}

/** The report inside a stored submit_report observation. */
function reportFrom(observation: string): Report | undefined {
  try {
    const out = JSON.parse(observation) as Partial<SubmittedReport>;
    return out.submitted ? out.report : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tool a model meant by a near-miss name: some chat templates make models write
 * `functions.search_trains` or `default_api.search_trains`, or change the case. Only an
 * unambiguous match counts; anything else stays unknown and the model is told the real names.
 */
export function canonicalToolName(name: string, known: readonly string[]): string {
  const bare = name.replace(/^(?:functions?|tools?|default_api)[.:]/i, '').trim();
  if (known.includes(bare)) return bare;
  const folded = known.filter((k) => k.toLowerCase() === bare.toLowerCase());
  return folded.length === 1 ? folded[0]! : name;
}
