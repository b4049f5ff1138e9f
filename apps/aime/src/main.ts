import { dashboardUrlWithToken } from '@aime/commander';
import { createLogger, EnvError, isConfigError, loadEnv, type LoadedEnv } from '@aime/service';
import { startTelemetry } from '@aime/telemetry';
import { localTokenPath, removeLocalServer, writeLocalServer } from './local-token.ts';
import { StartupError } from './redis.ts';
import { startAll } from './start.ts';

// The edge: the environment is validated once here; a bad value stops the start with one line.
let env: LoadedEnv;
try {
  env = loadEnv(process.env);
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  process.stderr.write(`\n${err.message}\n\n`);
  process.exit(1);
}
const logger = createLogger({ level: env.values.LOG_LEVEL, service: 'aime' });
if (env.unknown.length > 0) logger.warn({ variables: env.unknown }, 'unknown AIME_* variables are ignored (a typo? see docs/configuration.md)');
const endpoint = env.values.OTEL_EXPORTER_OTLP_ENDPOINT;
const telemetry = startTelemetry({ serviceName: env.values.OTEL_SERVICE_NAME ?? 'aime', ...(endpoint ? { endpoint } : {}) });
if (telemetry.enabled) logger.info({ endpoint }, 'traces exported over OTLP/HTTP');
try {
  const app = await startAll({ env, logger });
  const { planner, factory, actor, simulated } = app.models;
  const roles = new Set([planner, factory, actor]).size === 1 ? planner : `planner ${planner}, factory ${factory}, actor ${actor}`;
  // The token is printed here once, on stdout, never through the logger; the URL carries it in
  // the fragment, which browsers never send to a server. The dashboard keeps it for the tab.
  const token = app.commander.operatorToken;
  // The aime CLI on this machine reads the address and token from a user-only file, removed on shutdown.
  const tokenFile = localTokenPath(process.env);
  if (token) writeLocalServer({ url: app.url, token, pid: process.pid }, tokenFile);
  const auth = token
    ? [
        `  dashboard  ${dashboardUrlWithToken(app.url, token)}`,
        `             (carries the operator token after #token=: keep it private; API clients send it as "Authorization: Bearer <token>")`,
        `  CLI        npx aime submit "<goal>" --watch   (aime commands on this machine use the token in ${tokenFile})`,
      ]
    : [`  dashboard  ${app.url}/`, `  CLI        npx aime submit "<goal>" --watch`];
  process.stdout.write(
    [
      '',
      `  Aime Runtime is running: ${app.url}`,
      ...auth,
      `  API        ${app.url}/v1/missions   (OpenAPI: ${app.url}/openapi.json)`,
      `  model      ${roles}${simulated ? '  (simulated: set AIME_MODEL=openai:<model> and OPENAI_API_KEY or OPENAI_BASE_URL for a real one; see docs/models.md)' : ''}`,
      '',
      `  try: curl -X POST ${app.url}/v1/missions -H 'content-type: application/json'${token ? ` -H 'authorization: Bearer <token>'` : ''} -d '{"goal":"Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people, Shinkansen on day 2"}'`,
      '',
    ].join('\n') + '\n',
  );
  // A signal drains every service within AIME_SHUTDOWN_TIMEOUT_MS; a second one exits at once.
  let stopping = false;
  const timeoutMs = env.values.AIME_SHUTDOWN_TIMEOUT_MS;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ sig, timeoutMs }, 'draining');
      setTimeout(() => {
        logger.error({ timeoutMs }, 'did not drain in time; exiting');
        process.exit(1);
      }, timeoutMs).unref();
      if (token) removeLocalServer(token, tokenFile);
      const startedAt = Date.now();
      // Spans still buffered are exported once the services have closed.
      const drained = app.close().then(() => telemetry.shutdown());
      drained.then(
        () => {
          logger.info({ ms: Date.now() - startedAt }, 'drained');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
} catch (err) {
  // A broken config or plugin: its message names the file or plugin and the cause.
  if (err instanceof StartupError || isConfigError(err)) {
    process.stderr.write(`\n${(err as Error).message}\n\n`);
    process.exit(1);
  }
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`\nPort ${env.values.AIME_PORT} is in use: stop what runs there or set AIME_PORT.\n\n`);
    process.exit(1);
  }
  throw err;
}
