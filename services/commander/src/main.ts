import { pino } from 'pino';
import { modelsConfigFromEnv } from '@aime/models';
import { startCommander } from './service.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const commander = await startCommander({
  models: modelsConfigFromEnv(),
  host: process.env.AIME_HOST ?? '127.0.0.1',
  port: Number(process.env.AIME_PORT ?? 7400),
  prefix: process.env.AIME_PREFIX ?? 'aime:',
  ...(process.env.AIME_API_KEYS ? { apiKeys: process.env.AIME_API_KEYS } : {}),
  logger,
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    logger.info({ sig }, 'shutting down');
    void commander.close().then(() => process.exit(0));
  });
}
