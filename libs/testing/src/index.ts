/**
 * Test kit shared by the services' tests: a world per test (random Redis key prefix, a store,
 * the sim model over HTTP, BullMQ queues) and polling helpers. Real Redis, never a mock.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { modelInfo, modelsConfigFromEnv, type ModelsConfig } from '@aime/models';
import { DEFAULT_BUDGET, QUEUES, isKnownEvent, type Event, type KnownEvent, type KnownEventType, type Task } from '@aime/protocol';
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer, type SimPolicy, type SimServerHandle, type SimWorld } from '@aime/sim';
import { createMissionStore, type MissionStore } from '@aime/store';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const silent = pino({ level: 'silent' });

/** One test's world: a random key prefix, a store, the sim over HTTP and models pointing at it. */
export interface TestEnv {
  prefix: string;
  store: MissionStore;
  sim: SimServerHandle;
  models: ModelsConfig;
  queue(name: string): Queue;
  close(): Promise<void>;
}

/**
 * One test's world. The sim plays `worlds` (@default the travel demo); `policies` replaces them;
 * `maxRetries` is the models' retry count.
 */
export async function setupEnv(opts: { policies?: SimPolicy[]; worlds?: SimWorld[]; maxRetries?: number } = {}): Promise<TestEnv> {
  const prefix = `test-${randomUUID()}:`;
  const store = createMissionStore({ redis: REDIS_URL, prefix });
  const sim = await startSimServer({ port: 0, worlds: opts.worlds ?? [travelWorld], ...(opts.policies ? { policies: opts.policies } : {}) });
  const models = modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: sim.url, AIME_MODEL_MAX_RETRIES: String(opts.maxRetries ?? 1) });
  const queues: Queue[] = [];
  const conns: Redis[] = [];
  return {
    prefix,
    store,
    sim,
    models,
    queue(name) {
      const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      conns.push(conn);
      const q = new Queue(name, { connection: conn, prefix: `${prefix}bull` });
      queues.push(q);
      return q;
    },
    async close() {
      // A queue closed while its start-up commands are in flight leaves an unhandled "Connection is closed": wait for them first.
      await Promise.all(queues.map(async (q) => {
        await q.waitUntilReady().catch(() => undefined);
        await q.close();
      }));
      await Promise.all(conns.map((c) => c.quit()));
      await sim.close();
      await store.close();
      await deleteKeys(prefix);
    },
  };
}

/** Removes every key under the prefix (store, BullMQ, plugin state). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

export function task(id: string, description: string, over: Partial<Task> = {}): Task {
  // Markers stay out of the title: a cut-off marker would confuse the sim's fault parser.
  return { id, title: description.replace(/\[\[.*?\]\]/g, '').trim().slice(0, 80), description, completionCriteria: 'a report', status: 'running', dependsOn: [], attempts: 1, actorId: `${id}.1`, ...over };
}

/** A running mission with the given tasks in its graph. */
export async function runningMission(env: TestEnv, goal: string, tasks: Task[], context?: Record<string, unknown>): Promise<string> {
  const { mission } = await env.store.createMission({ goal, model: modelInfo(env.models), budget: DEFAULT_BUDGET, ...(context ? { context } : {}) });
  await env.store.writeGraph(mission.id, 0, { version: 0, tasks });
  await env.store.setMissionStatus(mission.id, 'running');
  return mission.id;
}

export async function eventsOf<T extends KnownEventType>(store: MissionStore, missionId: string, type: T): Promise<Array<Extract<KnownEvent, { type: T }>>> {
  const all = await store.readEvents(missionId, { limit: 10_000 });
  return all.filter((e): e is Extract<KnownEvent, { type: T }> => isKnownEvent(e) && e.type === type);
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitForEvent<T extends KnownEventType>(store: MissionStore, missionId: string, type: T, timeoutMs?: number): Promise<Extract<KnownEvent, { type: T }>> {
  return waitFor(`a ${type} event`, async () => (await eventsOf(store, missionId, type))[0], timeoutMs);
}

export const isEvent = (e: Event): e is KnownEvent => isKnownEvent(e);

/** Waits until a job has completed or failed, with its return value. */
export async function jobFinished(queue: Queue, jobId: string): Promise<{ state: string; value: unknown }> {
  return waitFor('the job to finish', async () => {
    // State first: a job read while still active has no return value yet.
    const state = await queue.getJobState(jobId);
    if (state !== 'completed' && state !== 'failed') return undefined;
    return { state, value: (await queue.getJob(jobId))?.returnvalue };
  });
}
export { QUEUES };
