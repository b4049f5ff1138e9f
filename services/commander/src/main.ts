import { pino } from 'pino';
import { modelsConfigFromEnv } from '@aime/models';
import { readModelsSection, runService } from '@aime/service';
import { startCommander } from './service.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
await runService('commander', logger, async () =>
  startCommander({
    models: modelsConfigFromEnv(process.env, await readModelsSection()),
    host: process.env.AIME_HOST ?? '127.0.0.1',
    port: Number(process.env.AIME_PORT ?? 7400),
    prefix: process.env.AIME_PREFIX ?? 'aime:',
    ...(process.env.AIME_API_KEYS ? { apiKeys: process.env.AIME_API_KEYS } : {}),
    logger,
  }),
);
