import { modelsConfigFromEnv } from '@aime/models';
import { resolveRecovery } from '@aime/queues';
import { runMain } from '@aime/service';
import { loadConfig } from './config.ts';
import { startActorWorker } from './worker.ts';

// The edge: the environment is validated once here (a bad value stops the start with one line) and passed down.
// Plugins and the `models` section come from aime.config.* / AIME_CONFIG / AIME_PLUGINS (see loadConfig).
await runMain('actors', async ({ env, logger }) => {
  const v = env.values;
  const config = await loadConfig({ env: env.raw });
  return startActorWorker({
    ...(v.REDIS_URL ? { redisUrl: v.REDIS_URL } : {}),
    redisCluster: v.AIME_REDIS_CLUSTER,
    prefix: v.AIME_PREFIX,
    config,
    models: modelsConfigFromEnv(env.raw, config.models),
    concurrency: v.AIME_ACTOR_CONCURRENCY,
    heartbeatMs: v.AIME_ACTOR_HEARTBEAT_MS,
    recovery: resolveRecovery('actor', {}, env.raw),
    maxObservationChars: v.AIME_ACTOR_MAX_OBSERVATION_CHARS,
    historyTokens: v.AIME_ACTOR_HISTORY_TOKENS,
    retentionMs: v.AIME_RETENTION,
    eventsMax: v.AIME_EVENTS_MAX,
    logger,
  });
});
