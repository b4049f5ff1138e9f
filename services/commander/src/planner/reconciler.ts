import type { Queue } from 'bullmq';
import { ACTOR_JOB_OPTIONS, actorJobId } from '@aime/queues';
import type { ActorJob, Approval, FactoryJob, MissionStatus, Task, TaskGraph } from '@aime/protocol';
import { submitReport } from '@aime/queues';
import type { MissionStore } from '@aime/store';
import type { Logger } from 'pino';
import { runtimeMetrics } from '@aime/telemetry';
import { applyDecision, holdsUp, resumeQueue, syncApprovalStatus } from './approvals.ts';
import { taskLiveness, type LiveWorkQueues, type PassSnapshot } from './live-work.ts';

/** What a repair did; the `reconciled` warning event carries it as `data.repair`. */
export type RepairKind = 'factory_job' | 'actor_job' | 'resume' | 'failed_report' | 'approval_decision' | 'approval_status';

export interface ReconcilerDeps extends LiveWorkQueues {
  store: MissionStore;
  /** The planner queue: a failure report wakes the planner through it. */
  plannerQueue: Queue;
  /** Enqueues a factory job (its job id makes a repeat a no-op). */
  enqueueFactory(job: FactoryJob): Promise<void>;
  /** Re-enqueues an actor after a decision on `approvalId` (the planner's own resume). */
  resumeActor(job: ActorJob, approvalId: string): Promise<void>;
  wake(missionId: string, reason: string): Promise<void>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

export interface ReconcilerOptions {
  /** Between two passes; one pass also runs at start. @default 10000 */
  intervalMs?: number;
  /**
   * A fault must be seen on two passes at least this far apart before it is repaired, so the
   * short windows of healthy work (a task written before its job is enqueued, a decision
   * written before the planner resumes the actor) are never "repaired". @default 5000
   */
  graceMs?: number;
  /** Repairs of one actor before its task is reported failed, so the planner replans. @default 3 */
  maxRepairs?: number;
  now?: () => number;
}

/** One repair, as logged and as appended to the mission's events. */
export interface Repair {
  missionId: string;
  kind: RepairKind;
  message: string;
  taskId?: string;
  actorId?: string;
}

export interface Reconciler {
  /** One pass over the missions that must have live work; returns the repairs it made. */
  pass(): Promise<Repair[]>;
}

export interface ReconcilerHandle extends Reconciler {
  close(): void;
}

/** Statuses in which tasks run. */
const WITH_TASKS: readonly MissionStatus[] = ['running', 'awaiting_approval'];
/** Statuses in which an approval can be decided (a paused mission's actor may still wait for one). */
const WITH_APPROVALS: readonly MissionStatus[] = ['running', 'awaiting_approval', 'paused'];
const PAGE = 200;

/** What one pass carries: its repairs, the faults it saw, what it read once. */
interface PassContext {
  repairs: Repair[];
  seen: Map<string, number>;
  snap: PassSnapshot;
}

/**
 * The reconciler: no mission stays `running` or `awaiting_approval` with no live work. Each
 * pass walks the per-status indexes (never every mission ever created) and, per mission, finds
 * (a) running tasks whose actor has no report, no pending approval, no capability wait and no
 * waiting or active factory, actor or resume job: it enqueues again what is missing (the same
 * job ids, so a repeat is a no-op) and, after `maxRepairs` such repairs of one actor, reports
 * the task failed so the planner replans; (b) an `awaiting_approval` mission whose decisions
 * all arrived: the actors never resumed are resumed and the status goes back to `running`;
 * (c) a decision whose write-once marker exists but whose approval record is still pending:
 * the write is finished from the marker. Each repair appends a `warning` event with code
 * `reconciled`. A pass over healthy missions only reads.
 */
export function createReconciler(deps: ReconcilerDeps, opts: ReconcilerOptions = {}): Reconciler {
  const { store } = deps;
  const graceMs = opts.graceMs ?? 5_000;
  const maxRepairs = opts.maxRepairs ?? 3;
  const now = opts.now ?? Date.now;
  // Faults seen on an earlier pass (by key) and when first seen; a fault gone is forgotten.
  let suspects = new Map<string, number>();

  /** Whether the fault `key` was seen on an earlier pass long enough ago to repair it now. */
  const confirmed = (ctx: PassContext, key: string): boolean => {
    const first = suspects.get(key) ?? now();
    ctx.seen.set(key, first);
    return suspects.has(key) && now() - first >= graceMs;
  };

  const record = async (ctx: PassContext, r: Repair, data: Record<string, unknown>): Promise<void> => {
    ctx.repairs.push(r);
    runtimeMetrics().reconcilerRepairs.inc({ kind: r.kind });
    deps.logger.warn({ ...r, ...data }, 'reconciled');
    await store.appendEvent(r.missionId, {
      type: 'warning',
      ...(r.taskId ? { taskId: r.taskId } : {}),
      ...(r.actorId ? { actorId: r.actorId } : {}),
      data: { code: 'reconciled', message: r.message, data: { repair: r.kind, ...data } },
    });
  };

  /** (c) Decisions claimed but never written: finished as the decider meant them. */
  const repairDecisions = async (ctx: PassContext, missionId: string, approvals: Approval[]): Promise<Approval[]> => {
    const out: Approval[] = [];
    for (const a of approvals) {
      const marker = a.status === 'pending' ? await store.getApprovalDecision(missionId, a.id) : null;
      if (!marker || !confirmed(ctx, `decision:${a.id}`)) {
        out.push(a);
        continue;
      }
      const { approval, eventId } = await applyDecision(store, a, marker);
      await store.pushInbox(missionId, { kind: 'approval', eventId, approvalId: a.id, taskId: a.taskId, actorId: a.actorId, decision: marker.decision });
      await deps.wake(missionId, 'reconciler: approval decision');
      await record(ctx, { missionId, kind: 'approval_decision', taskId: a.taskId, actorId: a.actorId, message: `approval ${a.id} was decided (${marker.decision}) but never written: the decision was finished` }, { approvalId: a.id });
      out.push(approval);
    }
    return out;
  };

  /** (a) and (b) for one running task. */
  const repairTask = async (ctx: PassContext, missionId: string, task: Task, approvals: Approval[]): Promise<void> => {
    const look = await taskLiveness(deps, ctx.snap, missionId, task, approvals);
    if (look.live) return;
    const { actorId, attempt } = look;
    if (!confirmed(ctx, `task:${missionId}:${actorId}`)) return;
    const base = { missionId, taskId: task.id, actorId };
    const done = await store.getRepairCount(missionId, actorId);
    if (done >= maxRepairs) {
      await submitReport({ store, planner: deps.plannerQueue }, base, {
        status: 'failed',
        summary: `The task's actor was lost ${done + 1} times (no job, no report); the reconciler gave up on this attempt.`,
        references: [],
        artifacts: [],
      });
      await record(ctx, { ...base, kind: 'failed_report', message: `task ${task.id} had no live work after ${done} repairs: reported failed so the planner replans` }, { attempt, repairs: done });
      return;
    }
    await store.setRepairCount(missionId, actorId, done + 1);
    const job: ActorJob = { missionId, taskId: task.id, actorId };
    if (look.neverResumed) {
      await deps.resumeActor(job, look.neverResumed.id);
      await record(ctx, { ...base, kind: 'resume', message: `the actor of task ${task.id} was never resumed after approval ${look.neverResumed.id} was decided: resumed` }, { attempt, approvalId: look.neverResumed.id, repairs: done + 1 });
      return;
    }
    // A finished job holds the id the repair needs; it no longer runs, so it can go.
    for (const f of look.finished) await f.queue.remove(f.id);
    if (!(await store.getActorSpec(missionId, actorId))) {
      await deps.enqueueFactory({ missionId, taskId: task.id, attempt });
      await record(ctx, { ...base, kind: 'factory_job', message: `task ${task.id} was running with no factory job and no actor: factory job enqueued again` }, { attempt, repairs: done + 1 });
      return;
    }
    const queue = await resumeQueue(store, job);
    await deps.actorQueue(queue).add('actor', job, { ...ACTOR_JOB_OPTIONS, jobId: actorJobId(missionId, actorId) });
    await record(ctx, { ...base, kind: 'actor_job', message: `task ${task.id} was running with no actor job: actor job enqueued again` }, { attempt, queue, repairs: done + 1 });
  };

  /** (b) The status says a call waits for a decision, but none does any more. */
  const repairStatus = async (ctx: PassContext, missionId: string, graph: TaskGraph, approvals: Approval[]): Promise<void> => {
    if (approvals.some((a) => holdsUp(a, graph)) || !confirmed(ctx, `status:${missionId}`)) return;
    const to = await syncApprovalStatus(store, missionId, graph);
    if (to === 'running') await record(ctx, { missionId, kind: 'approval_status', message: 'the mission was awaiting_approval with no call waiting for a decision: back to running' }, {});
  };

  const reconcileMission = async (ctx: PassContext, missionId: string, status: MissionStatus): Promise<void> => {
    const approvals = await repairDecisions(ctx, missionId, await store.listApprovals(missionId));
    if (!WITH_TASKS.includes(status)) return;
    const graph = await store.readGraph(missionId);
    // A parent's status rolls up from its children; only leaves that were dispatched run an actor.
    const parents = new Set(graph.tasks.map((t) => t.parentId).filter((p) => p !== undefined));
    for (const task of graph.tasks) if (task.status === 'running' && task.attempts > 0 && !parents.has(task.id)) await repairTask(ctx, missionId, task, approvals);
    if (status === 'awaiting_approval') await repairStatus(ctx, missionId, graph, await store.listApprovals(missionId));
  };

  return {
    async pass() {
      const ctx: PassContext = { repairs: [], seen: new Map(), snap: { workers: await store.listWorkers(), waits: await store.listCapabilityWaits() } };
      try {
        for (const status of WITH_APPROVALS) {
          let cursor: string | undefined;
          do {
            const page = await store.listMissionIds({ status, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) });
            cursor = page.nextCursor;
            for (const id of page.ids) {
              try {
                await reconcileMission(ctx, id, status);
              } catch (err) {
                // One mission's trouble must not stop the repair of the others.
                deps.logger.warn({ missionId: id, err }, 'reconciling a mission failed');
              }
            }
          } while (cursor !== undefined);
        }
      } finally {
        suspects = ctx.seen;
      }
      return ctx.repairs;
    },
  };
}

/** Runs a pass now and every `intervalMs` until closed; a failed pass is logged and the next one runs. */
export function startReconciler(deps: ReconcilerDeps, opts: ReconcilerOptions = {}): ReconcilerHandle {
  const reconciler = createReconciler(deps, opts);
  let running: Promise<unknown> | undefined;
  const tick = (): void => {
    if (running) return;
    running = reconciler
      .pass()
      .catch((err: unknown) => deps.logger.warn({ err }, 'reconciler pass failed'))
      .finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? 10_000);
  timer.unref();
  return { pass: () => reconciler.pass(), close: () => clearInterval(timer) };
}
