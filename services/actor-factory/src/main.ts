import { pino } from 'pino';
import { modelsConfigFromEnv } from '@aime/models';
import { readModelsSection, runService } from '@aime/service';
import { startActorFactory } from './factory.ts';

const logger = pino({ name: 'aime', level: process.env.LOG_LEVEL ?? 'info' });
await runService('actor factory', logger, async () =>
  startActorFactory({
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    ...(process.env.AIME_PREFIX ? { prefix: process.env.AIME_PREFIX } : {}),
    models: modelsConfigFromEnv(process.env, await readModelsSection()),
    logger,
  }),
);
