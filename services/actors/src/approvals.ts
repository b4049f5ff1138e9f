import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Approval } from '@aime/protocol';
import type { ActorStore } from '@aime/store';
import { callDigest } from './call-digest.ts';
import { wakePlanner } from './report.ts';

/** What the actor does with a call of a tool that `requiresApproval`. */
export type ApprovalGate =
  /** The operator approved: run the call (once; its idempotency key is that of the step and call). */
  | { kind: 'approved'; approval: Approval }
  /** The operator rejected: the call is not run, the model reads `observation` instead. */
  | { kind: 'rejected'; approval: Approval; observation: string }
  /** No decision yet: the actor checkpoints and ends its job; the planner re-enqueues it on a decision. */
  | { kind: 'wait'; approval: Approval };

export interface ApprovalDeps {
  store: Pick<ActorStore, 'getApproval' | 'putApproval' | 'setMissionStatus' | 'announceApprovalRequest'>;
  planner: Queue;
  now?: () => Date;
}

export interface ApprovalCall {
  missionId: string;
  taskId: string;
  actorId: string;
  step: number;
  callIndex: number;
  tool: string;
  args: unknown;
  /** Shown to the operator with the call: the actor's thought, the tool's side-effect class, its cost estimate. */
  thought?: string;
  sideEffects?: Approval['sideEffects'];
  estimate?: Approval['estimate'];
}

const MAX_ID = 128;

/**
 * The approval id of one call: the same on every retry of the step with the same call (so a
 * retried job finds its approval instead of asking again), different for another tool or other
 * arguments at the same position (`digest` is `callDigest(tool, args)`), and unique in the
 * store, whose approval index spans all missions. Too long an id is shortened with a hash.
 */
export function approvalIdOf(missionId: string, actorId: string, step: number, callIndex: number, digest: string): string {
  const id = `${missionId}.${actorId}.${step}.${callIndex}.${digest.slice(0, 16)}`;
  if (id.length <= MAX_ID) return id;
  const hash = createHash('sha1').update(`${actorId}\n${step}\n${callIndex}\n${digest}`).digest('hex').slice(0, 24);
  return `${missionId}.ap-${hash}`.slice(0, MAX_ID);
}

/** The observation of a call whose stored approval is for another call: it is not run. */
export const MISMATCH_OBSERVATION = 'Refused: the approval on record is for a different tool call (tool or arguments changed); this call was not run.';

/** The observation of a call the operator rejected; the model decides what to do next. */
export function rejectedObservation(note: string | undefined): string {
  const why = note?.trim();
  return `Rejected by operator: ${why ? why : 'no reason given'}`;
}

/**
 * Looks up the decision on a call, or asks for one. Asking is idempotent (a retried job finds
 * the approval it made): the mission goes to `awaiting_approval` first, then the approval is
 * stored and `approval.requested` appended. In that order an operator can only decide after
 * the status change, so the planner's switch back to `running` always comes after it.
 */
export async function approvalGate(deps: ApprovalDeps, call: ApprovalCall): Promise<ApprovalGate> {
  const { store } = deps;
  const digest = callDigest(call.tool, call.args);
  const id = approvalIdOf(call.missionId, call.actorId, call.step, call.callIndex, digest);
  const found = await store.getApproval(id);
  const existing = found && found.missionId === call.missionId ? found : null;
  // Checked before the call runs: a decision binds exactly the tool and arguments it was asked
  // for, even if an id ever collided or a record was written by hand.
  if (existing && callDigest(existing.tool, existing.args) !== digest) {
    return { kind: 'rejected', approval: existing, observation: MISMATCH_OBSERVATION };
  }
  if (existing?.status === 'approved') return { kind: 'approved', approval: existing };
  if (existing?.status === 'rejected') return { kind: 'rejected', approval: existing, observation: rejectedObservation(existing.note) };

  await store.setMissionStatus(call.missionId, 'awaiting_approval', { from: ['running', 'planning'], reason: `${call.tool} needs an operator's approval` });
  const approval: Approval = existing ?? {
    id,
    missionId: call.missionId,
    taskId: call.taskId,
    actorId: call.actorId,
    tool: call.tool,
    args: call.args,
    status: 'pending',
    requestedAt: (deps.now?.() ?? new Date()).toISOString(),
    ...(call.thought?.trim() ? { thought: call.thought.trim().slice(0, 4000) } : {}),
    ...(call.sideEffects ? { sideEffects: call.sideEffects } : {}),
    ...(call.estimate ? { estimate: call.estimate } : {}),
  };
  if (!existing) await store.putApproval(approval);
  // Once per approval: the store appends the event and its write-once marker together.
  await store.announceApprovalRequest(approval);
  // The planner keeps the mission status in line with the pending approvals (it repairs a
  // race with a decision on another approval of the mission).
  await wakePlanner(deps.planner, call.missionId, `approval requested by ${call.actorId}`);
  return { kind: 'wait', approval };
}
