import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUES } from '@aime/protocol';
import { bullConnection, bullPrefix, bullQueueOptions, wakePlanner, wakePlannerLater } from '../src/index.ts';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let queue: Queue | undefined;
let connection: Redis | undefined;
afterEach(async () => {
  await queue?.obliterate({ force: true });
  await queue?.close();
  connection?.disconnect();
  queue = undefined;
  connection = undefined;
});

describe('planner wake-ups', () => {
  it('queue a job that carries the mission id and is retried when a step fails', async () => {
    connection = bullConnection(REDIS);
    queue = new Queue(QUEUES.planner, { connection, prefix: bullPrefix(`test-${randomUUID()}:`) });
    await wakePlanner(queue, 'm_1', `report from ${'x'.repeat(300)}`);
    const [job] = await queue.getJobs(['waiting']);
    expect(job?.name).toBe('wake');
    expect(job?.data.missionId).toBe('m_1');
    expect(job?.data.reason.length).toBe(200);
    expect(job?.opts.attempts).toBe(3);
  });

  it('keeps BullMQ keys under the store prefix', () => {
    expect(bullPrefix('aime:')).toBe('aime:bull');
  });
});

describe('delayed planner wake-ups (a step that found the lock held)', () => {
  it('share one job per mission and due second, and a delayed wake-up that runs can schedule the next one', async () => {
    connection = bullConnection(REDIS);
    const prefix = bullPrefix(`test-${randomUUID()}:`);
    queue = new Queue(QUEUES.planner, { connection, prefix });
    await wakePlannerLater(queue, 'm_1', 'lock held', 60_000);
    await wakePlannerLater(queue, 'm_1', 'lock held', 60_000);
    expect(await queue.getDelayedCount()).toBe(1);

    // A due wake-up whose step finds the lock still held schedules another from inside its own run.
    await wakePlannerLater(queue, 'm_2', 'lock held', 0);
    let done!: () => void;
    const rescheduled = new Promise<void>((r) => (done = r));
    const worker = new Worker(
      QUEUES.planner,
      async (job) => {
        if (job.data.missionId !== 'm_2') return;
        await wakePlannerLater(queue!, 'm_2', 'lock held', 5_000);
        done();
      },
      { connection: bullConnection(REDIS), prefix },
    );
    await rescheduled;
    await worker.close();
    const delayed = await queue.getJobs(['delayed']);
    expect(delayed.filter((j) => j.data.missionId === 'm_2')).toHaveLength(1);
  });
});

describe('BullMQ options per queue', () => {
  it('keeps the shared prefix on one Redis and gives each queue its own hash tag on a Redis Cluster', () => {
    const single = bullConnection(REDIS);
    const cluster = bullConnection({ url: 'redis://127.0.0.1:1', cluster: true });
    try {
      expect(bullQueueOptions(single, 'aime:bull', QUEUES.planner).prefix).toBe('aime:bull');
      expect(bullQueueOptions(cluster, 'aime:bull', QUEUES.planner).prefix).toBe('{aime:bull:aime-planner}');
      expect(bullQueueOptions(cluster, 'aime:bull', QUEUES.factory).prefix).toBe('{aime:bull:aime-factory}');
    } finally {
      single.disconnect();
      cluster.disconnect();
    }
  });
});
