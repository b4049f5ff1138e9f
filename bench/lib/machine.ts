import { cpus, loadavg, totalmem } from 'node:os';
import { Redis } from 'ioredis';

export interface MachineFacts {
  cpus: number;
  cpu: string;
  memoryGb: number;
  node: string;
  redis: string;
  loadAverage1m: number;
}

/** The facts a figure is read against: cores, Node, Redis (and the load when it was measured). */
export async function machineFacts(redisUrl: string): Promise<MachineFacts> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  const info = await redis.info('server');
  await redis.quit();
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
}
