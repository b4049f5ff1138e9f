/**
 * An actor worker in a process of its own, for tests that kill it with SIGKILL. Settings come
 * from the environment: REDIS_URL, AIME_PREFIX, AIME_SIM_URL, AIME_ACTOR_* (heartbeat and
 * recovery), and HANG_AFTER_TOOL: the name of a tool after whose call (checkpointed) the actor
 * hangs for good, as if a long call were running when the process dies. It prints
 * `ready <workerId>` once it takes jobs and `hung <missionId> <actorId>` when it hangs.
 */
import { pino } from 'pino';
import { startActorWorker } from '@aime/actors';
import { modelsConfigFromEnv } from '@aime/models';
import { resolveRecovery } from '@aime/queues';
import { createTravelPlugin } from '@aime/plugin-travel';

const hangAfter = process.env.HANG_AFTER_TOOL;
const worker = await startActorWorker({
  redisUrl: process.env.REDIS_URL!,
  prefix: process.env.AIME_PREFIX!,
  models: modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: process.env.AIME_SIM_URL! }),
  plugins: [createTravelPlugin()],
  pollMs: 200,
  ...(process.env.AIME_ACTOR_HEARTBEAT_MS ? { heartbeatMs: Number(process.env.AIME_ACTOR_HEARTBEAT_MS) } : {}),
  recovery: resolveRecovery('actor', {}, process.env),
  logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  hooks: {
    afterCheckpoint: async (info) => {
      if (info.phase !== 'tool' || info.toolName !== hangAfter) return;
      process.stdout.write(`hung ${info.missionId} ${info.actorId}\n`);
      await new Promise(() => undefined);
    },
  },
});
process.stdout.write(`ready ${worker.workerId}\n`);
