import { startAll } from '@aime/aime';
import { dashboardUrlWithToken } from '@aime/commander';
import { createLogger } from '@aime/service';
import { localTokenPath, removeLocalServer, writeLocalServer } from './local-token.ts';
import { printJson, type Io } from './io.ts';

/**
 * `aime up`: the all-in-one stack (the same `startAll` as `npm start`), with its logs on stderr.
 * The operator token it generates is written to a user-only file so that `aime` commands on this
 * machine find the server and its key; the file goes when the server stops.
 */
export async function runUp(io: Io, opts: { json: boolean }): Promise<number> {
  const logger = createLogger({ level: io.env.LOG_LEVEL ?? 'info' }, io.err);
  const app = await startAll({ logger });
  const token = app.commander.operatorToken;
  const tokenFile = localTokenPath(io.env);
  if (token) writeLocalServer({ url: app.url, token, pid: process.pid }, tokenFile);
  const { planner, factory, actor, simulated } = app.models;
  const model = new Set([planner, factory, actor]).size === 1 ? planner : `planner ${planner}, factory ${factory}, actor ${actor}`;
  if (opts.json) {
    printJson(io, { url: app.url, ...(token ? { dashboard: dashboardUrlWithToken(app.url, token), tokenFile } : {}), models: app.models });
  } else {
    io.out.write(
      [
        '',
        `  Aime Runtime is running: ${app.url}`,
        token ? `  dashboard  ${dashboardUrlWithToken(app.url, token)}` : `  dashboard  ${app.url}/`,
        token
          ? `  CLI        aime commands on this machine use the operator token in ${tokenFile} (removed when this stops)`
          : '  CLI        API keys are configured (AIME_API_KEYS): set AIME_API_KEY for aime commands',
        `  model      ${model}${simulated ? '  (simulated model)' : ''}`,
        '',
        `  try: aime submit "Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people, Shinkansen on day 2" --watch`,
        '',
      ].join('\n') + '\n',
    );
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.on(sig, () => {
        if (stopping) process.exit(1);
        stopping = true;
        logger.info({ sig }, 'draining');
        if (token) removeLocalServer(token, tokenFile);
        void app.close().then(() => resolve(0));
      });
    }
  });
}
