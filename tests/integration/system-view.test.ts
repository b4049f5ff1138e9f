import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix } from '@aime/queues';
import type { FailedJobsActionResponse, SystemView } from '@aime/protocol';
import { REDIS_URL, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ actorConcurrency: 3 });
});
afterAll(async () => {
  await stack?.close();
});

/** A queue of this stack's prefix whose one job failed (its worker always throws), and the worker closed. */
async function failOneJob(name: string): Promise<void> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: bullPrefix(stack.prefix) });
  // One job to fail: the one waiting (a retried one), else a new one. Counted before a worker
  // exists, so the worker cannot take the waiting job between the count and the add.
  if ((await queue.getJobCounts('waiting')).waiting === 0) await queue.add('job', { n: 1 }, { attempts: 1 });
  const worker = new Worker(
    name,
    async () => {
      throw new Error('the tool server is down');
    },
    { connection, prefix: bullPrefix(stack.prefix) },
  );
  await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
  await worker.close();
  await queue.close();
  await connection.quit();
}

describe('GET /v1/system', () => {
  it("shows the live actor worker with its host, bundles and concurrency, every queue's depth and Redis", async () => {
    const res = await stack.api<SystemView>('/v1/system');
    expect(res.status).toBe(200);
    const view = res.body;
    expect(view.workers).toHaveLength(1);
    expect(view.workers[0]).toMatchObject({ host: hostname(), pid: process.pid, concurrency: 3, busy: 0, queue: expect.stringMatching(/^aime-actors-/) });
    expect(view.workers[0]!.bundles).toEqual(expect.arrayContaining(['trains', 'flights']));
    expect(Date.parse(view.workers[0]!.lastHeartbeat ?? '')).not.toBeNaN();
    const kinds = Object.fromEntries(view.queues.map((q) => [q.name, q.kind]));
    expect(kinds).toMatchObject({ 'aime-planner': 'planner', 'aime-factory': 'factory', [view.workers[0]!.queue]: 'actors' });
    for (const q of view.queues) expect(q).toMatchObject({ waiting: expect.any(Number), active: expect.any(Number), delayed: expect.any(Number), failed: expect.any(Number) });
    expect(view.redis.connectedClients).toBeGreaterThan(0);
    expect(view.redis.usedMemoryBytes).toBeGreaterThan(0);
    expect(view.redis.version).toMatch(/^\d+\.\d+/);
    expect(view.repairs).toEqual([]);
  });

  it('is for operators only', async () => {
    const res = await fetch(`${stack.url}/v1/system`);
    expect(res.status).toBe(401);
  });

  it('retries and drops the failed jobs of a queue, and refuses an unknown queue', async () => {
    const name = 'aime-ops-check';
    await failOneJob(name);
    const depth = async () => (await stack.api<SystemView>('/v1/system')).body.queues.find((q) => q.name === name);
    expect(await depth()).toMatchObject({ kind: 'other', waiting: 0, failed: 1 });

    const retried = await stack.api<FailedJobsActionResponse>(`/v1/system/queues/${name}/failed/retry`, { method: 'POST' });
    expect(retried).toEqual({ status: 200, body: { queue: name, action: 'retry', count: 1 } });
    expect(await depth()).toMatchObject({ waiting: 1, failed: 0 });

    await failOneJob(name);
    const dropped = await stack.api<FailedJobsActionResponse>(`/v1/system/queues/${name}/failed/drop`, { method: 'POST' });
    expect(dropped).toEqual({ status: 200, body: { queue: name, action: 'drop', count: 1 } });
    expect(await depth()).toMatchObject({ waiting: 0, failed: 0 });

    const unknown = await stack.api<{ error: { code: string } }>('/v1/system/queues/no-such-queue/failed/retry', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});
