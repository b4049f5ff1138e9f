import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { startActorFactory, type ActorFactoryHandle } from '@aime/actor-factory';
import { startActorWorker, type ActorWorkerHandle } from '@aime/actors';
import { createReconciler, startCommander, type ReconcilerOptions, type Repair } from '@aime/commander';
import { modelsConfigFromEnv } from '@aime/models';
import { createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import { QUEUES, type Event } from '@aime/protocol';
import { bullConnection, bullPrefix } from '@aime/queues';
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer } from '@aime/sim';
import { REDIS_URL, withHelpers, type TestStack } from './stack.ts';

/** The services of one test, composed here so a test can reach their queues and break them on purpose. */
export interface ReconcileStack extends TestStack {
  travel: TravelPlugin;
  actors: ActorWorkerHandle;
  /** The factory queue and the actor worker's queue, on their own connection. */
  factoryQueue: Queue;
  actorQueue: Queue;
  /** A plain connection (to reach BullMQ's job records). */
  redis: Redis;
  /** BullMQ's key prefix of this stack. */
  bullPrefix: string;
  /**
   * Runs `n` passes of a second reconciler on this stack (grace 0: a fault seen on two passes
   * counts) and returns the repairs it made (it enqueues nothing: its queue calls are no-ops).
   */
  reconcilerPasses(n: number): Promise<Repair[]>;
  /** The `warning` events with code `reconciled` of a mission. */
  reconciled(missionId: string): Promise<Array<Event & { data: { code: string; message: string; data: { repair: string } } }>>;
}

/**
 * Sim model, commander (with a fast reconciler), factory and one actor worker with the travel
 * plugin, on a fresh prefix against the real Redis.
 */
export async function startReconcileStack(opts: { reconciler: ReconcilerOptions; requireApproval?: string[] }): Promise<ReconcileStack> {
  const prefix = `test-${randomUUID()}:`;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const sim = await startSimServer({ port: 0, worlds: [travelWorld] });
  const models = modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: sim.url });
  const common = { redisUrl: REDIS_URL, prefix, models, logger };
  const travel = createTravelPlugin({ requireApproval: opts.requireApproval ?? [] });
  const actors = await startActorWorker({ ...common, plugins: [travel], concurrency: 4, heartbeatMs: 1_000, pollMs: 200 });
  let factory: ActorFactoryHandle | undefined = await startActorFactory(common);
  const commander = await startCommander({ ...common, host: '127.0.0.1', port: 0, dashboardDir: null, reconciler: opts.reconciler });
  const redis = bullConnection(REDIS_URL);
  const bull = bullPrefix(prefix);
  const factoryQueue = new Queue(QUEUES.factory, { connection: redis, prefix: bull });
  const actorQueue = new Queue(actors.queue, { connection: redis, prefix: bull });
  const app = {
    url: commander.url!,
    commander,
    async close() {
      await commander.close();
      await factory?.close();
      factory = undefined;
      await actors.close();
      await Promise.all([factoryQueue.close(), plannerQueue.close(), ...[...actorQueues.values()].map((q) => q.close())]);
      await sim.close();
      await redis.quit();
    },
  };
  const stack = withHelpers(app, prefix);
  const actorQueues = new Map<string, Queue>([[actors.queue, actorQueue]]);
  // The probe's repairs are only counted: a healthy mission must give it none to make.
  const refuse = (): Promise<void> => Promise.resolve();
  const plannerQueue = new Queue(QUEUES.planner, { connection: redis, prefix: bull });
  const probe = createReconciler(
    {
      store: stack.store,
      factoryQueue,
      plannerQueue,
      actorQueue: (name) => actorQueues.get(name) ?? actorQueues.set(name, new Queue(name, { connection: redis, prefix: bull })).get(name)!,
      enqueueFactory: refuse,
      resumeActor: refuse,
      wake: refuse,
      logger,
    },
    { graceMs: 0 },
  );
  return {
    ...stack,
    travel,
    actors,
    factoryQueue,
    actorQueue,
    redis,
    bullPrefix: bull,
    async reconcilerPasses(n) {
      const repairs: Repair[] = [];
      for (let i = 0; i < n; i++) repairs.push(...(await probe.pass()));
      return repairs;
    },
    async reconciled(missionId) {
      const events = await stack.events(missionId);
      return events.filter((e) => e.type === 'warning' && (e.data as { code?: string }).code === 'reconciled') as never;
    },
  };
}
