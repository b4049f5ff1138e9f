import { modelsConfigFromEnv } from '@aime/models';
import { createLogger, readModelsSection, runService } from '@aime/service';
import { startActorFactory } from './factory.ts';

const logger = createLogger({ name: 'aime' });
await runService('actor factory', logger, async () =>
  startActorFactory({
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    ...(process.env.AIME_PREFIX ? { prefix: process.env.AIME_PREFIX } : {}),
    models: modelsConfigFromEnv(process.env, await readModelsSection()),
    logger,
  }),
);
