import { modelsConfigFromEnv } from '@aime/models';
import { resolveRecovery } from '@aime/queues';
import { readModelsSection, runMain } from '@aime/service';
import { startActorFactory } from './factory.ts';

// The edge: the environment is validated once here (a bad value stops the start with one line) and passed down.
await runMain('actor-factory', async ({ env, logger }) =>
  startActorFactory({
    ...(env.values.REDIS_URL ? { redisUrl: env.values.REDIS_URL } : {}),
    redisCluster: env.values.AIME_REDIS_CLUSTER,
    prefix: env.values.AIME_PREFIX,
    models: modelsConfigFromEnv(env.raw, await readModelsSection({ env: env.raw })),
    recovery: resolveRecovery('factory', {}, env.raw),
    retentionMs: env.values.AIME_RETENTION,
    eventsMax: env.values.AIME_EVENTS_MAX,
    logger,
  }),
);
