import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryToolContext, runTool, type MemoryToolContext, type ToolContext, type ToolResult, type WorldEventInfo } from '@aime/plugin-sdk';
import { createTravelPlugin, TravelWorld, type TravelPlugin } from '@aime/plugin-travel';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A travel world on the real Redis under a random key prefix, and a way to call its tools. */
export interface Harness {
  redis: Redis;
  keyPrefix: string;
  world: TravelWorld;
  plugin: TravelPlugin;
  ctx(missionId: string, overrides?: Partial<ToolContext> & { events?: WorldEventInfo[] }): MemoryToolContext;
  call(name: string, input: unknown, ctx: ToolContext): Promise<ToolResult>;
  /** Calls a tool that must succeed and returns its output. */
  ok<T = Record<string, unknown>>(name: string, input: unknown, ctx: ToolContext): Promise<T>;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const keyPrefix = `test-${randomUUID()}:`;
  const world = new TravelWorld(redis, { keyPrefix });
  const plugin = createTravelPlugin({ world });
  const tools = new Map(plugin.bundles.flatMap((b) => b.tools).map((t) => [t.name, t]));
  const call = async (name: string, input: unknown, ctx: ToolContext): Promise<ToolResult> => {
    const tool = tools.get(name);
    if (!tool) throw new Error(`no tool ${name}`);
    return runTool(tool, input, ctx);
  };
  return {
    redis,
    keyPrefix,
    world,
    plugin,
    ctx: (missionId, overrides = {}) => createMemoryToolContext({ missionId, ...overrides }),
    call,
    async ok<T>(name: string, input: unknown, ctx: ToolContext): Promise<T> {
      const result = await call(name, input, ctx);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
      return result.output as T;
    },
    async close() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}

export interface TrainRow {
  trainId: string;
  departs: string;
  seatsLeft: number;
  soldOut: boolean;
}

export interface BookingOut {
  bookingRef: string;
  itemId: string;
  priceJpy: number;
  price: { amount: number; currency: string };
  duplicate: boolean;
  message: string;
  budget?: { remainingJpy: number; spentJpy: number; remaining: number; currency: string };
}

/** A fresh mission id per test, so tests never share inventory even under one prefix. */
export function missionId(): string {
  return `m-${randomUUID()}`;
}
