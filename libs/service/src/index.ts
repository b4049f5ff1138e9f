import type { Logger } from 'pino';

export { createLogger, secretSafeLoggerOptions, LOG_REDACT_PATHS } from './logger.ts';
export { CONFIG_FILE_NAMES, ConfigError, findConfigFile, readConfigFile, readModelsSection, type ConfigFileOptions } from './config-file.ts';

/** Lifecycle of every long-running part: `start(options) → handle`, `close()` drains. */
export type ServiceState = 'starting' | 'running' | 'draining' | 'closed';

export interface Closable {
  close(): Promise<void>;
}

/**
 * Runs a service as its own process: starts it, and on SIGINT/SIGTERM drains it and exits
 * (0 after a clean close, 1 when closing failed). A start that throws is logged with its
 * message and code, never as a stack trace, and exits 1.
 */
export async function runService(name: string, logger: Logger, start: () => Promise<Closable>): Promise<void> {
  let service: Closable;
  try {
    service = await start();
  } catch (err) {
    logger.error({ err: err instanceof Error ? err.message : String(err), code: (err as { code?: unknown }).code }, `${name} failed to start`);
    process.exit(1);
  }
  const stop = (signal: string): void => {
    logger.info({ signal }, `${name} shutting down`);
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, `${name} shutdown failed`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
