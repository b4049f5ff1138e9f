import { pino } from 'pino';
import { modelsConfigFromEnv } from '@aime/models';
import { runService } from '@aime/service';
import { startActorFactory } from './factory.ts';

const logger = pino({ name: 'aime', level: process.env.LOG_LEVEL ?? 'info' });
await runService('actor factory', logger, () =>
  startActorFactory({
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    ...(process.env.AIME_PREFIX ? { prefix: process.env.AIME_PREFIX } : {}),
    models: modelsConfigFromEnv(process.env),
    logger,
  }),
);
