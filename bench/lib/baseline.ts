import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteKeys } from '@aime/testing';
import { summarize, type Summary } from './stats.ts';

/** Raw BullMQ on the same Redis, measured in the same run as the figures compared with it. */
export interface Baseline {
  /** One job: add → worker → completion seen by the adder (QueueEvents), ms. */
  roundTripMs: Summary;
  /** Jobs per second through one worker at concurrency 50 (no-op processor). */
  jobsPerSecAt50: number;
}

/** Measures the baseline: `roundTrips` sequential jobs after a warm-up, then `bulk` jobs at concurrency 50. */
export async function measureBaseline(redisUrl: string, opts: { roundTrips?: number; bulk?: number } = {}): Promise<Baseline> {
  const prefix = `bench-${randomUUID()}:bull`;
  const conns: Redis[] = [];
  const conn = () => {
    const c = new Redis(redisUrl, { maxRetriesPerRequest: null });
    conns.push(c);
    return c;
  };
  const queue = new Queue('baseline', { connection: conn(), prefix });
  const events = new QueueEvents('baseline', { connection: conn(), prefix });
  await events.waitUntilReady();
  try {
    const worker = new Worker('baseline', async (job) => ({ n: job.data.n as number }), { connection: conn(), prefix, concurrency: 1 });
    await worker.waitUntilReady();
    const trips: number[] = [];
    const total = (opts.roundTrips ?? 300) + 30;
    for (let i = 0; i < total; i++) {
      const t0 = performance.now();
      const job = await queue.add('rt', { n: i });
      await job.waitUntilFinished(events, 10_000);
      if (i >= 30) trips.push(performance.now() - t0);
    }
    await worker.close();

    const bulk = opts.bulk ?? 5000;
    let done = 0;
    let finished: () => void = () => undefined;
    const all = new Promise<void>((r) => (finished = r));
    await queue.addBulk(Array.from({ length: bulk }, (_, n) => ({ name: 'bulk', data: { n }, opts: { removeOnComplete: true } })));
    const t0 = performance.now();
    const fast = new Worker(
      'baseline',
      async (job) => {
        done += 1;
        if (done === bulk) finished();
        return { n: job.data.n as number };
      },
      { connection: conn(), prefix, concurrency: 50 },
    );
    await all;
    const secs = (performance.now() - t0) / 1000;
    await fast.close();
    return { roundTripMs: summarize(trips), jobsPerSecAt50: Math.round(bulk / secs) };
  } finally {
    await events.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await Promise.all(conns.map((c) => c.quit().catch(() => undefined)));
    await deleteKeys(prefix);
  }
}
