import { modelsConfigFromEnv } from '@aime/models';
import { createLogger, runService } from '@aime/service';
import { loadConfig } from './config.ts';
import { startActorWorker } from './worker.ts';

/** An integer setting from the environment; a malformed one is passed on as NaN, which the worker rejects by name. */
const intEnv = (name: string): number | undefined => (process.env[name]?.trim() ? Number(process.env[name]) : undefined);
const maxObservationChars = intEnv('AIME_ACTOR_MAX_OBSERVATION_CHARS');
const historyTokens = intEnv('AIME_ACTOR_HISTORY_TOKENS');

const logger = createLogger({ name: 'aime' });
// Plugins and the `models` section come from aime.config.* / AIME_CONFIG / AIME_PLUGINS (see loadConfig).
await runService('actor worker', logger, async () => {
  const config = await loadConfig();
  return startActorWorker({
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    ...(process.env.AIME_PREFIX ? { prefix: process.env.AIME_PREFIX } : {}),
    config,
    models: modelsConfigFromEnv(process.env, config.models),
    ...(maxObservationChars !== undefined ? { maxObservationChars } : {}),
    ...(historyTokens !== undefined ? { historyTokens } : {}),
    logger,
  });
});
