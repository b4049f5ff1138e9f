/**
 * Stored missions: 100,000 finished missions seeded through the store (created, then
 * succeeded; two seeding processes, many missions in flight each, so ioredis pipelines them), then `GET /v1/missions?limit=20`
 * over HTTP: p50/p99; the process RSS before seeding and after the listing (the commander runs in
 * this process, the seeding in others); Redis bytes per
 * finished mission (MEMORY USAGE of every key under the run's prefix / missions).
 * `BENCH_STORED_MISSIONS` changes the count.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { writeResult } from './lib/results.ts';
import { startBenchStack } from './lib/stack.ts';
import { ms, round, summarize, times } from './lib/stats.ts';
import type { BenchContext, BenchResult } from './types.ts';

const COUNT = Number(process.env.BENCH_STORED_MISSIONS ?? 100_000);
/** Seeding processes: the machine's two cores, while the commander here idles. */
const SEEDERS = 2;
const SEEDER = fileURLToPath(new URL('./lib/seed-missions.ts', import.meta.url));
const mb = (bytes: number): number => round(bytes / 2 ** 20, 1);

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function redisBytes(redisUrl: string, prefix: string): Promise<{ keys: number; bytes: number }> {
  const redis = new Redis(redisUrl);
  let keys = 0;
  let bytes = 0;
  try {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
      cursor = next;
      if (!batch.length) continue;
      const pipe = redis.pipeline();
      for (const k of batch) pipe.memory('USAGE', k, 'SAMPLES', '0');
      for (const [, v] of (await pipe.exec()) ?? []) bytes += typeof v === 'number' ? v : 0;
      keys += batch.length;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return { keys, bytes };
}

/** Runs one seeding process to its end. */
function seed(redisUrl: string, prefix: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SEEDER, redisUrl, prefix, String(count)], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the seeding process exited with ${String(code)}`))));
  });
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const stack = await startBenchStack({ actorConcurrency: 1 });
  try {
    const list = async (query: string) => {
      const t0 = performance.now();
      const res = await stack.api<{ items: unknown[] }>(`/v1/missions?${query}`);
      if (res.status !== 200) throw new Error(`GET /v1/missions answered ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 30; i++) await list('limit=20');
    gc();
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;

    const t0 = performance.now();
    await Promise.all(Array.from({ length: SEEDERS }, (_, i) => seed(ctx.redisUrl, stack.prefix, Math.floor(COUNT / SEEDERS) + (i < COUNT % SEEDERS ? 1 : 0))));
    const seedSeconds = (performance.now() - t0) / 1000;

    const first: number[] = [];
    const filtered: number[] = [];
    for (let i = 0; i < 300; i++) first.push(await list('limit=20'));
    for (let i = 0; i < 100; i++) filtered.push(await list('status=succeeded&limit=20'));
    gc();
    const rssAfter = process.memoryUsage().rss;
    const heapAfter = process.memoryUsage().heapUsed;
    const { keys, bytes } = await redisBytes(ctx.redisUrl, stack.prefix);

    const listing = summarize(first);
    const figures = {
      missions: COUNT,
      seedSeconds: round(seedSeconds, 1),
      seedMissionsPerSecond: Math.round(COUNT / seedSeconds),
      listFirstPageMs: listing,
      listSucceededPageMs: summarize(filtered),
      rssBeforeMb: mb(rssBefore),
      rssAfterMb: mb(rssAfter),
      rssGrowthMb: mb(rssAfter - rssBefore),
      heapGrowthMb: mb(heapAfter - heapBefore),
      redisKeys: keys,
      redisBytesPerMission: Math.round(bytes / COUNT),
      redisKeysPerMission: round(keys / COUNT, 2),
      gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
      target: 'GET /v1/missions?limit=20 p99 ≤ 20 ms; RSS growth ≤ 50 MB; bytes per finished mission reported',
    };
    const file = writeResult('stored-missions', { machine: ctx.machine, ...figures });
    return {
      name: `stored missions (${COUNT.toLocaleString('en-US')} finished)`,
      file,
      figures,
      rows: [
        ['GET /v1/missions?limit=20 p50 / p99 (target p99 ≤ 20 ms)', `${ms(listing.p50)} / ${ms(listing.p99)}`],
        ['raw BullMQ round trip p99 (same run); ratio', `${ms(ctx.baseline.roundTripMs.p99)}; list p99 is ${times(listing.p99, ctx.baseline.roundTripMs.p99)}`],
        ['…?status=succeeded&limit=20 p50 / p99', `${ms(figures.listSucceededPageMs.p50)} / ${ms(figures.listSucceededPageMs.p99)}`],
        ['process RSS growth (target ≤ 50 MB)', `${figures.rssGrowthMb} MB (${figures.rssBeforeMb} → ${figures.rssAfterMb} MB; heap ${figures.heapGrowthMb} MB)`],
        ['Redis bytes per finished mission', `${figures.redisBytesPerMission} B (${figures.redisKeysPerMission} keys each)`],
        ['seeding', `${figures.seedMissionsPerSecond} missions/s (${figures.seedSeconds} s)`],
      ],
    };
  } finally {
    await stack.close();
  }
}
