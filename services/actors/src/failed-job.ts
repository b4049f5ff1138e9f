import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { ActorJob } from '@aime/protocol';
import type { MissionStore } from '@aime/store';
import { submitReport } from './report.ts';

export interface FailedJobDeps {
  store: MissionStore;
  planner: Queue;
  logger: Pick<Logger, 'warn' | 'error'>;
}

/**
 * The worker's `failed` handler. Some failures never reach the job's own catch: BullMQ fails a
 * job that stalled more times than allowed (its worker died while running it) or whose lock was
 * lost, without running it. On the job's last attempt the planner must hear of it, or the task
 * would stay running with no live work; a job that will be retried is left alone. Submitting
 * is idempotent (`alreadyReported`), so a failure the catch reported already is not reported twice.
 * Returns the report's event id, or null when nothing was submitted.
 */
export async function reportFailedJob(deps: FailedJobDeps, job: Job | undefined, err: Error): Promise<string | null> {
  if (!job) return null;
  // BullMQ sets `finishedOn` only when the job moved to the failed set, never for a retry.
  if (typeof job.finishedOn !== 'number') return null;
  const parsed = ActorJob.safeParse(job.data);
  if (!parsed.success) return null;
  deps.logger.warn({ ...parsed.data, jobId: job.id, attempts: job.attemptsMade, err }, 'actor job failed for good');
  return submitReport({ store: deps.store, planner: deps.planner }, parsed.data, {
    status: 'failed',
    summary: `The actor's job failed for good: ${err.message}`.slice(0, 8000),
    references: [],
    artifacts: [],
  });
}
