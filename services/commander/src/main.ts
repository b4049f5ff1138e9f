import { modelsConfigFromEnv } from '@aime/models';
import { resolveRecovery } from '@aime/queues';
import { readModelsSection, runMain } from '@aime/service';
import { apiLimitsFromEnv } from './api/limits.ts';
import { dashboardUrlWithToken, securityOptionsFromEnv } from './security-env.ts';
import { startCommander } from './service.ts';

// The edge: the environment is validated once here (a bad value stops the start with one line) and passed down.
await runMain('commander', async ({ env, logger }) => {
  const v = env.values;
  const commander = await startCommander({
    models: modelsConfigFromEnv(env.raw, await readModelsSection({ env: env.raw })),
    ...(v.REDIS_URL ? { redisUrl: v.REDIS_URL } : {}),
    redisCluster: v.AIME_REDIS_CLUSTER,
    host: v.AIME_HOST,
    port: v.AIME_PORT,
    prefix: v.AIME_PREFIX,
    ...securityOptionsFromEnv(env.raw),
    limits: apiLimitsFromEnv(env.raw),
    streamLimits: { perKey: v.AIME_MAX_STREAMS_PER_KEY, perAddress: v.AIME_MAX_STREAMS_PER_ADDRESS },
    plannerRecovery: resolveRecovery('planner', {}, env.raw),
    retentionMs: v.AIME_RETENTION,
    eventsMax: v.AIME_EVENTS_MAX,
    logger,
  });
  // Printed once on stdout, never through the logger: log pipelines must not collect the token.
  if (commander.operatorToken && commander.url) {
    process.stdout.write(`\n  dashboard (operator token, keep it private): ${dashboardUrlWithToken(commander.url, commander.operatorToken)}\n\n`);
  }
  return commander;
});
