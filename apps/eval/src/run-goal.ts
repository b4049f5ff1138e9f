import type { Approval, Mission } from '@aime/protocol';
import { isTerminalMissionStatus } from '@aime/protocol';
import { runChecks, type WorldReader } from './checks.ts';
import type { ApiClient } from './client.ts';
import type { SuiteLine } from './suite.ts';

/** The outcome of one goal of a suite: one row of the results table. */
export interface GoalResult {
  id: string;
  goal: string;
  missionId?: string;
  pass: boolean;
  /** Why the check could not decide (then `pass` is false but the goal does not count as failed). */
  skipped?: string;
  /** The checker's message, or what went wrong before the checks could run. */
  message: string;
  /** The mission's final status, `timeout` when it did not end in time, `error` when it could not run. */
  status: Mission['status'] | 'timeout' | 'error';
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  plannerSteps: number;
  actors: number;
  /** From submission until the harness saw the mission end. */
  wallMs: number;
  approvals: { approved: number; rejected: number };
  /** The models that answered, as the mission names them (`sim`, or one per role when they differ). */
  model?: string;
}

/** What running a goal needs. */
export interface RunGoalDeps {
  client: ApiClient;
  /** The travel world's records of a mission. */
  world(missionId: string): WorldReader;
  suitePath: string;
  suiteName: string;
  /** A mission still running after this long is cancelled and reported as `timeout`. */
  timeoutMs: number;
  /** @default 200 */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Decides the mission's pending approvals as the line says. With `none` nothing may ask:
 * the mission is cancelled (it would wait forever) and the reason returned.
 */
async function answerApprovals(client: ApiClient, line: SuiteLine, missionId: string): Promise<string | undefined> {
  const policy = line.approvals ?? 'approve';
  const pending = (await client.approvals(missionId)).filter((a) => a.status === 'pending');
  if (!pending.length) return undefined;
  if (policy === 'none') {
    await client.cancel(missionId);
    return `approval requested for ${pending.map((a) => a.tool).join(', ')}, but the line says approvals: none (mission cancelled)`;
  }
  for (const a of pending) await client.decide(a.id, policy, `eval harness: ${policy} (suite line ${line.id})`);
  return undefined;
}

const countDecided = (approvals: Approval[]) => ({
  approved: approvals.filter((a) => a.status === 'approved').length,
  rejected: approvals.filter((a) => a.status === 'rejected').length,
});

/** One name when every role used the same model, else `planner=… factory=… actor=…`. */
function modelName(m: Mission['model']): string {
  const { planner, factory, actor } = m;
  return planner === factory && factory === actor ? planner : `planner=${planner} factory=${factory} actor=${actor}`;
}

function row(line: SuiteLine, fields: Partial<GoalResult> & Pick<GoalResult, 'pass' | 'message' | 'status' | 'wallMs'>, mission?: Mission): GoalResult {
  const u = mission?.usage;
  return {
    id: line.id,
    goal: line.goal,
    promptTokens: u?.promptTokens ?? 0,
    completionTokens: u?.completionTokens ?? 0,
    costUsd: u?.costUsd ?? 0,
    plannerSteps: u?.plannerSteps ?? 0,
    actors: u?.actors ?? 0,
    approvals: { approved: 0, rejected: 0 },
    ...(mission ? { missionId: mission.id, model: modelName(mission.model) } : {}),
    ...fields,
  };
}

/** Submits one goal, answers its approvals, waits for its end and checks it. Never throws: a problem is the row's message. */
export async function runGoal(line: SuiteLine, deps: RunGoalDeps): Promise<GoalResult> {
  const started = Date.now();
  const pollMs = deps.pollMs ?? 200;
  let missionId: string | undefined;
  try {
    missionId = await deps.client.submit({
      goal: line.goal,
      ...(line.context ? { context: line.context } : {}),
      ...(line.budget ? { budget: line.budget } : {}),
      metadata: { eval: { suite: deps.suiteName, goal: line.id } },
    });
    let mission = await deps.client.mission(missionId);
    let forced: string | undefined;
    let status: GoalResult['status'] = mission.status;
    while (!isTerminalMissionStatus(mission.status)) {
      if (Date.now() - started > deps.timeoutMs) {
        await deps.client.cancel(missionId).catch(() => undefined);
        forced = `still ${mission.status} after ${Math.round(deps.timeoutMs / 1000)} s (mission cancelled)`;
        status = 'timeout';
        break;
      }
      if (mission.status === 'awaiting_approval') forced ??= await answerApprovals(deps.client, line, missionId);
      await sleep(pollMs);
      mission = await deps.client.mission(missionId);
      status = mission.status;
    }
    const wallMs = Date.now() - started;
    const [events, approvals] = await Promise.all([deps.client.events(missionId), deps.client.approvals(missionId)]);
    const decided = countDecided(approvals);
    if (forced) return row(line, { pass: false, message: forced, status, wallMs, approvals: decided }, mission);
    const verdict = await runChecks(line.check, { mission, events, line, approvals, world: deps.world(missionId) }, deps.suitePath);
    return row(line, { pass: verdict.pass, message: verdict.message, status, wallMs, approvals: decided, ...(verdict.skipped ? { skipped: verdict.skipped } : {}) }, mission);
  } catch (err) {
    return row(line, { pass: false, message: `could not run: ${(err as Error).message}`, status: 'error', wallMs: Date.now() - started, ...(missionId ? { missionId } : {}) });
  }
}
