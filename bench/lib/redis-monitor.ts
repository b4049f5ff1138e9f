import { Redis } from 'ioredis';

/** Redis commands that name a key under `prefix`, counted by command (MONITOR on its own connection). */
export interface CommandCount {
  /** Commands sent by clients: round trips (a pipeline sends several in one). */
  total: number;
  byCommand: Record<string, number>;
  /** Commands run inside Lua scripts (MONITOR shows those too, from source `lua`). */
  inScripts: number;
  /** Of `total`, those on BullMQ's keys (`<prefix>bull…`). */
  bullmq: number;
  stop(): Promise<void>;
}

/**
 * Counts the commands that touch keys under `prefix` (the run's fresh prefix, so other users of
 * the same Redis do not count) until `stop()`. MONITOR costs Redis some throughput: count in a
 * run of its own, not while timing.
 */
export async function countCommands(redisUrl: string, prefix: string): Promise<CommandCount> {
  const redis = new Redis(redisUrl);
  const monitor = await redis.monitor();
  const counts: CommandCount = {
    total: 0,
    byCommand: {},
    inScripts: 0,
    bullmq: 0,
    async stop() {
      monitor.disconnect();
      redis.disconnect();
    },
  };
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!args.some((a) => typeof a === 'string' && a.includes(prefix))) return;
    if (source === 'lua') {
      counts.inScripts += 1;
      return;
    }
    const name = String(args[0]).toUpperCase();
    counts.total += 1;
    if (args.some((a) => typeof a === 'string' && a.includes(`${prefix}bull`))) counts.bullmq += 1;
    counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
  });
  return counts;
}
