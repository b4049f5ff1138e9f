import { pino } from 'pino';
import { modelsConfigFromEnv } from '@aime/models';
import { runService } from '@aime/service';
import { startActorWorker } from './worker.ts';

const logger = pino({ name: 'aime', level: process.env.LOG_LEVEL ?? 'info' });
// Plugins come from aime.config.* / AIME_CONFIG / AIME_PLUGINS (see loadConfig).
await runService('actor worker', logger, () =>
  startActorWorker({
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    ...(process.env.AIME_PREFIX ? { prefix: process.env.AIME_PREFIX } : {}),
    models: modelsConfigFromEnv(process.env),
    logger,
  }),
);
