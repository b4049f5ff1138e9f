import { pino } from 'pino';
import { StartupError } from './redis.ts';
import { startAll } from './start.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
try {
  const app = await startAll({ logger });
  const simulated = !process.env.OPENAI_API_KEY && !process.env.AIME_MODEL;
  process.stdout.write(
    [
      '',
      `  Aime Runtime is running: ${app.url}`,
      `  dashboard  ${app.url}/`,
      `  API        ${app.url}/v1/missions   (OpenAPI: ${app.url}/openapi.json)`,
      `  model      ${simulated ? 'simulated (set OPENAI_API_KEY for a real one)' : process.env.AIME_MODEL ?? 'openai'}`,
      '',
      `  try: curl -X POST ${app.url}/v1/missions -H 'content-type: application/json' -d '{"goal":"Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people, Shinkansen on day 2"}'`,
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
  if (err instanceof StartupError) {
    process.stderr.write(`\n${err.message}\n\n`);
    process.exit(1);
  }
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`\nPort ${process.env.AIME_PORT ?? 7400} is in use: stop what runs there or set AIME_PORT.\n\n`);
    process.exit(1);
  }
  throw err;
}
