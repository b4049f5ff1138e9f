import { dashboardUrlWithToken } from '@aime/commander';
import { createLogger } from '@aime/service';
import { StartupError } from './redis.ts';
import { startAll } from './start.ts';

const logger = createLogger();
try {
  const app = await startAll({ logger });
  const { planner, factory, actor, simulated } = app.models;
  const roles = new Set([planner, factory, actor]).size === 1 ? planner : `planner ${planner}, factory ${factory}, actor ${actor}`;
  // The token is printed here once, on stdout, never through the logger; the URL carries it in
  // the fragment, which browsers never send to a server. The dashboard keeps it for the tab.
  const token = app.commander.operatorToken;
  const auth = token
    ? [`  dashboard  ${dashboardUrlWithToken(app.url, token)}`, `             (carries the operator token after #token=: keep it private; API clients send it as "Authorization: Bearer <token>")`]
    : [`  dashboard  ${app.url}/`];
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
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ sig }, 'draining');
      void app.close().then(() => process.exit(0));
    });
  }
} catch (err) {
  // A broken config or plugin: its message names the file or plugin and the cause.
  const code = (err as { code?: unknown }).code;
  if (err instanceof StartupError || code === 'invalid_config' || code === 'model_config' || code === 'plugin_load_failed' || code === 'plugin_setup_failed' || code === 'duplicate_tool') {
    process.stderr.write(`\n${(err as Error).message}\n\n`);
    process.exit(1);
  }
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`\nPort ${process.env.AIME_PORT ?? 7400} is in use: stop what runs there or set AIME_PORT.\n\n`);
    process.exit(1);
  }
  throw err;
}
