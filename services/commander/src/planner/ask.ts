import { extractJson, type ChatTurn } from '@aime/models';
import type { TaskGraph } from '@aime/protocol';
import type { MissionRecord, PlannerStore } from '@aime/store';
import { readPlannerAnswer, repairMessage, type ReadAnswer } from '@aime/core';
import { expandMessage } from './prompt.ts';
import type { PlannerModelCall } from './step.ts';

/** Repair rounds after a planner answer with invalid operations. */
export const REPAIR_ROUNDS = 3;
/** Rounds in one step that answer the planner's `expand` operations (hidden tasks of a big plan). */
export const EXPAND_ROUNDS = 2;

/** A planner answer (the model's raw text) as the model call returns it. */
export interface PlannerReply {
  text: string;
  /** Cut at the max-tokens limit even after retries with a higher limit: not to be parsed as complete. */
  truncated?: boolean;
  /** Why the text holds no complete answer, when the call knows. */
  error?: string;
}

export type Asked =
  | { usable: true; answer: ReadAnswer }
  | { usable: false; errors: string[]; lastText: string };

/**
 * Asks the planner model and reads its answer operation by operation, with up to
 * {@link REPAIR_ROUNDS} repair rounds that quote the exact errors. Valid operations are
 * kept across rounds; a round only has to correct what was rejected. Usable: at least one
 * valid operation, a finish, or a valid empty answer (waiting).
 * @throws what the model call throws (transport failures, already retried by the model).
 */
export async function askPlanner(
  deps: { store: Pick<PlannerStore, 'addUsage' | 'appendEvent'>; callModel: PlannerModelCall },
  mission: MissionRecord,
  graph: TaskGraph,
  turns: ChatTurn[],
  step: number,
  now: string,
): Promise<Asked> {
  const { store } = deps;
  let working: ReadAnswer = { thought: '', applied: [], preferred: [], graph, errors: [], notes: [], expand: [] };
  let anyValid = false;
  let errors: string[] = [];
  let lastText = '';
  let expandRounds = 0;
  for (let round = 0, call = 0; round <= REPAIR_ROUNDS; call++) {
    let reply: PlannerReply;
    try {
      const raw = await deps.callModel(mission.id, turns, undefined, mission.model.planner);
      reply = typeof raw === 'string' ? { text: raw } : raw;
    } finally {
      await store.addUsage(mission.id, { plannerSteps: call === 0 ? 1 : 0 });
    }
    lastText = reply.text;
    const extracted = reply.truncated ? ({ ok: false, error: reply.error ?? 'the answer was cut off at the max-tokens limit' } as const) : extractJson(reply.text);
    let notes: string[] = [];
    let expand: string[] = [];
    if (!extracted.ok) {
      errors = [extracted.error];
    } else {
      const read = readPlannerAnswer(working.graph, extracted.value, now);
      errors = read.errors;
      notes = read.notes;
      expand = read.expand;
      const valid = read.applied.length > 0 || read.preferred.length > 0 || read.finish !== undefined || read.errors.length === 0;
      anyValid ||= valid;
      working = {
        thought: [working.thought, read.thought].filter(Boolean).join('\n'),
        applied: [...working.applied, ...read.applied],
        preferred: [...new Set([...working.preferred, ...read.preferred])],
        graph: read.graph,
        ...(read.finish ? { finish: read.finish } : working.finish ? { finish: working.finish } : {}),
        errors: read.errors,
        notes: [...working.notes, ...read.notes],
        expand: [],
      };
    }
    if (working.finish) break;
    if (expand.length && !errors.length && expandRounds < EXPAND_ROUNDS) {
      // Not a repair: the planner asked to see hidden tasks of a big plan before deciding.
      expandRounds++;
      turns.push({ role: 'assistant', content: reply.text }, { role: 'user', content: expandMessage(working.graph, expand) });
      continue;
    }
    if (!errors.length) break;
    round++;
    const repair = round <= REPAIR_ROUNDS;
    await store.appendEvent(mission.id, { type: 'plan.rejected', data: { step, errors, repair } });
    if (repair) turns.push({ role: 'assistant', content: reply.text }, { role: 'user', content: repairMessage(errors, working.applied, notes) });
  }
  if (!anyValid) return { usable: false, errors, lastText };
  return { usable: true, answer: working };
}
