import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { startActorFactory, type ActorFactoryHandle } from '@aime/actor-factory';
import { startActorWorker, type ActorWorkerHandle } from '@aime/actors';
import { startCommander } from '@aime/commander';
import { modelsConfigFromEnv } from '@aime/models';
import { createTravelPlugin, type TravelPlugin } from '@aime/plugin-travel';
import type { Approval, Event } from '@aime/protocol';
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer } from '@aime/sim';
import { REDIS_URL, withHelpers, type TestStack } from './stack.ts';

/** The stack of `startStack`, composed here so the actor worker can be stopped and started again. */
export interface ApprovalStack extends TestStack {
  /** The travel plugin of the current actor worker (its world is shared by all through Redis). */
  travel(): TravelPlugin;
  /** Closes the actor worker (drains it, withdraws its advert, tears its plugins down). */
  stopActors(): Promise<void>;
  /** Starts a new actor worker with a fresh travel plugin (same options). */
  startActors(): Promise<void>;
  /** Approves or rejects through the API; returns the resolved approval. */
  decide(approvalId: string, decision: 'approve' | 'reject', note?: string): Promise<Approval>;
  /** Waits for the mission's `approval.requested` event and returns its approval. */
  waitForApprovalRequest(missionId: string, timeoutMs?: number): Promise<Approval>;
}

/**
 * The whole stack on a fresh prefix (sim model, commander, factory, one actor worker) with a
 * travel plugin whose `requireApproval` tools need an operator's decision.
 */
export async function startApprovalStack(opts: { requireApproval: string[]; actorConcurrency?: number }): Promise<ApprovalStack> {
  const prefix = `test-${randomUUID()}:`;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const sim = await startSimServer({ port: 0, worlds: [travelWorld] });
  const models = modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: sim.url });
  const common = { redisUrl: REDIS_URL, prefix, models, logger };

  let travel = createTravelPlugin({ requireApproval: opts.requireApproval });
  let actors: ActorWorkerHandle | undefined;
  let factory: ActorFactoryHandle | undefined;
  const startActors = async (): Promise<void> => {
    if (actors) throw new Error('the actor worker is already running');
    travel = createTravelPlugin({ requireApproval: opts.requireApproval });
    actors = await startActorWorker({ ...common, plugins: [travel], concurrency: opts.actorConcurrency ?? 4, heartbeatMs: 1_000, pollMs: 200 });
  };
  const stopActors = async (): Promise<void> => {
    await actors?.close();
    actors = undefined;
  };

  await startActors();
  factory = await startActorFactory(common);
  const commander = await startCommander({ ...common, host: '127.0.0.1', port: 0, dashboardDir: null });
  const app = {
    url: commander.url!,
    commander,
    async close() {
      await commander.close();
      await factory?.close();
      factory = undefined;
      await stopActors();
      await sim.close();
    },
  };
  const stack = withHelpers(app, prefix);
  return {
    ...stack,
    travel: () => travel,
    stopActors,
    startActors,
    async decide(approvalId, decision, note) {
      const res = await stack.api<Approval>(`/v1/approvals/${approvalId}`, { body: { decision, ...(note ? { note } : {}) } });
      if (res.status !== 200) throw new Error(`deciding ${approvalId} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async waitForApprovalRequest(missionId, timeoutMs = 60_000) {
      const e = await stack.waitForEvent(missionId, (x: Event) => x.type === 'approval.requested', timeoutMs);
      return (e.data as { approval: Approval }).approval;
    },
  };
}
