import { pino } from 'pino';
import { modelsConfigFromEnv } from '@aime/models';
import { readModelsSection, runService } from '@aime/service';
import { dashboardUrlWithToken, securityOptionsFromEnv } from './security-env.ts';
import { startCommander } from './service.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
await runService('commander', logger, async () => {
  const commander = await startCommander({
    models: modelsConfigFromEnv(process.env, await readModelsSection()),
    host: process.env.AIME_HOST ?? '127.0.0.1',
    port: Number(process.env.AIME_PORT ?? 7400),
    prefix: process.env.AIME_PREFIX ?? 'aime:',
    ...securityOptionsFromEnv(process.env),
    logger,
  });
  // Printed once on stdout, never through the logger: log pipelines must not collect the token.
  if (commander.operatorToken && commander.url) {
    process.stdout.write(`\n  dashboard (operator token, keep it private): ${dashboardUrlWithToken(commander.url, commander.operatorToken)}\n\n`);
  }
  return commander;
});
