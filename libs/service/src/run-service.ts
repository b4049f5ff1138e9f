import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { runtimeMetrics, startMetricsServer, startTelemetry } from '@aime/telemetry';
import { errorMessage } from '@aime/protocol';
import { createLogger } from './logger.ts';
import { EnvError, loadEnv, type LoadedEnv } from './load-env.ts';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from './env-schema.ts';

/** Lifecycle of every long-running part: `start(options) → handle`, `close()` drains. */
export type ServiceState = 'starting' | 'running' | 'draining' | 'closed';

export interface Closable {
  close(): Promise<void>;
}

export interface RunServiceOptions {
  /** How long `close()` may take after a signal before the process exits anyway (code 1). @default 10000 */
  shutdownTimeoutMs?: number;
}

/** Error codes of a configuration the user must fix: reported as one line, never a stack. */
const CONFIG_CODES = new Set(['invalid_env', 'invalid_config', 'model_config', 'invalid_option', 'invalid', 'plugin_load_failed', 'plugin_setup_failed', 'duplicate_tool']);

/** True for an error whose message is all the user needs (a bad variable, config file or plugin). */
export function isConfigError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof EnvError || (typeof code === 'string' && CONFIG_CODES.has(code)) || err instanceof RangeError;
}

/**
 * Runs a service as its own process: starts it, and on SIGINT/SIGTERM drains it and exits
 * (0 after a clean close; 1 when closing failed or took longer than `shutdownTimeoutMs`; a
 * second signal exits 1 at once). A start that throws exits 1: a configuration error as one
 * line on stderr (`commander: AIME_PORT must be …`), anything else logged with its message
 * and code, never as a stack trace.
 */
export async function runService(name: string, logger: Logger, start: () => Promise<Closable>, opts: RunServiceOptions = {}): Promise<void> {
  const log = logger.child({ component: 'lifecycle' });
  let service: Closable;
  try {
    service = await start();
  } catch (err) {
    if (isConfigError(err)) process.stderr.write(`${name}: ${(err as Error).message}\n`);
    else log.error({ err: { message: errorMessage(err), code: (err as { code?: unknown }).code } }, `${name} failed to start`);
    process.exit(1);
  }
  const timeoutMs = opts.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, `${name}: second signal, exiting without waiting for the drain`);
      process.exit(1);
    }
    stopping = true;
    const startedAt = Date.now();
    log.info({ signal, timeoutMs }, `${name} draining`);
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, `${name} did not drain within ${timeoutMs} ms; exiting (unfinished jobs go back to their queue when their lock expires)`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    service.close().then(
      () => {
        log.info({ ms: Date.now() - startedAt }, `${name} drained`);
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, `${name} shutdown failed`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** What an entry point's start function receives from {@link runMain}. */
export interface MainContext {
  /** The validated environment. */
  env: LoadedEnv;
  /** The process's logger (`service` = the name given), at the validated `LOG_LEVEL`. */
  logger: Logger;
}

/**
 * The edge of every service process: validates the environment once (a bad value exits 1
 * with one line naming the variable), creates the logger, warns of unknown `AIME_*`
 * variables, starts tracing (OTLP/HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT`, when set), then
 * {@link runService}s what `start` returns with the configured shutdown bound; spans still
 * buffered are exported after the service closed.
 */
export async function runMain(name: string, start: (ctx: MainContext) => Promise<Closable>, source: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  let env: LoadedEnv;
  try {
    env = loadEnv(source);
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: env.values.LOG_LEVEL, service: name.replace(/\s+/g, '-') });
  if (env.unknown.length > 0) logger.warn({ variables: env.unknown }, 'unknown AIME_* variables are ignored (a typo? see docs/configuration.md)');
  const endpoint = env.values.OTEL_EXPORTER_OTLP_ENDPOINT;
  const telemetry = startTelemetry({ serviceName: env.values.OTEL_SERVICE_NAME ?? `aime-${name}`, ...(endpoint ? { endpoint } : {}) });
  if (telemetry.enabled) logger.info({ endpoint }, 'traces exported over OTLP/HTTP');
  await runService(
    name,
    logger,
    async () => {
      const service = await start({ env, logger });
      // A worker has no API: its metrics get a port of their own when asked for.
      let metrics: { url: string; close(): Promise<void> } | undefined;
      if (env.values.AIME_METRICS_PORT !== undefined) {
        const defaults = new Registry();
        collectDefaultMetrics({ register: defaults });
        metrics = await startMetricsServer(env.values.AIME_METRICS_PORT, env.values.AIME_METRICS_HOST, [defaults, runtimeMetrics().registry]);
        logger.info({ url: metrics.url }, 'metrics served');
      }
      return {
        close: async () => {
          await service.close();
          await metrics?.close();
          await telemetry.shutdown().catch((err: unknown) => logger.warn({ err }, 'exporting the last spans failed'));
        },
      };
    },
    { shutdownTimeoutMs: env.values.AIME_SHUTDOWN_TIMEOUT_MS },
  );
}
