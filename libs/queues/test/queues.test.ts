import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUES } from '@aime/protocol';
import { bullConnection, bullPrefix, wakePlanner } from '../src/index.ts';

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
