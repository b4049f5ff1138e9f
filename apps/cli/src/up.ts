import { startAll, StartupError } from '@aime/aime';
import { dashboardUrlWithToken, defaultDashboardDir } from '@aime/commander';
import { createLogger, EnvError, isConfigError, loadEnv } from '@aime/service';
import { localTokenPath, removeLocalServer, writeLocalServer } from '@aime/aime/local-token';
import { printJson, type Io } from './io.ts';
import { EXIT, UsageError } from './usage-error.ts';

/**
 * `aime up`: the all-in-one stack (the same `startAll` as `npm start`, the environment
 * validated the same way), with its logs on stderr. The operator token it generates is written
 * to a user-only file so that `aime` commands on this machine find the server and its key;
 * the file goes when the server stops. Resolves with the exit code once drained.
 */
export async function runUp(io: Io, opts: { json: boolean }): Promise<number> {
  let env;
  try {
    env = loadEnv(io.env);
  } catch (err) {
    // One line naming the variable, as `npm start` does.
    if (err instanceof EnvError) throw new UsageError(err.message);
    throw err;
  }
  const logger = createLogger({ level: env.values.LOG_LEVEL, service: 'aime' }, io.err);
  // AIME_URL and AIME_API_KEY are the CLI's own (the client side), not the server's.
  const unknown = env.unknown.filter((name) => name !== 'AIME_URL' && name !== 'AIME_API_KEY');
  if (unknown.length > 0) logger.warn({ variables: unknown }, 'unknown AIME_* variables are ignored (a typo? see docs/configuration.md)');
  let app;
  try {
    app = await startAll({ env, logger });
  } catch (err) {
    if (err instanceof StartupError || isConfigError(err)) throw new UsageError((err as Error).message);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${env.values.AIME_PORT} is in use: stop what runs there or set AIME_PORT`);
    throw err;
  }
  const running = app;
  const token = running.commander.operatorToken;
  const tokenFile = localTokenPath(io.env);
  if (token) writeLocalServer({ url: running.url, token, pid: process.pid }, tokenFile);
  const { planner, factory, actor, simulated } = running.models;
  const model = new Set([planner, factory, actor]).size === 1 ? planner : `planner ${planner}, factory ${factory}, actor ${actor}`;
  if (opts.json) {
    printJson(io, { url: running.url, ...(token ? { dashboard: dashboardUrlWithToken(running.url, token), tokenFile } : {}), models: running.models });
  } else {
    io.out.write(
      [
        '',
        `  Aime Runtime is running: ${running.url}`,
        defaultDashboardDir() === null
          ? '  dashboard  not built: run npm run build:dashboard once (npm start does), then aime up again'
          : token
            ? `  dashboard  ${dashboardUrlWithToken(running.url, token)}`
            : `  dashboard  ${running.url}/`,
        token
          ? `  CLI        aime commands on this machine use the operator token in ${tokenFile} (removed when this stops)`
          : '  CLI        API keys are configured (AIME_API_KEYS): set AIME_API_KEY for aime commands',
        `  API        ${running.url}/v1/missions   (OpenAPI: ${running.url}/openapi.json)`,
        `  model      ${model}${simulated ? '  (simulated model)' : ''}`,
        '',
        `  try: aime submit "Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people, Shinkansen on day 2" --watch`,
        '',
      ].join('\n') + '\n',
    );
  }
  // A signal drains every service within AIME_SHUTDOWN_TIMEOUT_MS; a second one exits at once.
  const timeoutMs = env.values.AIME_SHUTDOWN_TIMEOUT_MS;
  return new Promise<number>((resolve) => {
    let stopping = false;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.on(sig, () => {
        if (stopping) process.exit(EXIT.error);
        stopping = true;
        logger.info({ sig, timeoutMs }, 'draining');
        if (token) removeLocalServer(token, tokenFile);
        setTimeout(() => {
          logger.error({ timeoutMs }, 'did not drain in time; exiting');
          process.exit(EXIT.error);
        }, timeoutMs).unref();
        running.close().then(
          () => resolve(EXIT.ok),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            resolve(EXIT.error);
          },
        );
      });
    }
  });
}
