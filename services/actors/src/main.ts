import { pino } from 'pino';
import { modelsConfigFromEnv } from '@aime/models';
import { startActorWorker } from './worker.ts';

const logger = pino({ name: 'aime', level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  // Plugins come from aime.config.* / AIME_CONFIG / AIME_PLUGINS (see loadConfig).
  const worker = await startActorWorker({
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    ...(process.env.AIME_PREFIX ? { prefix: process.env.AIME_PREFIX } : {}),
    models: modelsConfigFromEnv(process.env),
    logger,
  });
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    worker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  logger.error({ err: err instanceof Error ? err.message : String(err), code: (err as { code?: unknown }).code }, 'actor worker failed to start');
  process.exit(1);
});
