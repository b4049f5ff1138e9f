import { modelsConfigFromEnv } from '@aime/models';
import { createLogger, readModelsSection, runService } from '@aime/service';
import { startCommander } from './service.ts';

const logger = createLogger();
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
