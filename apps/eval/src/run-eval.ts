import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { modelsConfigFromEnv, type ModelsConfig } from '@aime/models';
import { readModelsSection } from '@aime/service';
import { UsageError } from './errors.ts';
import type { ProgressReporter } from './progress.ts';
import { renderMarkdown, totalsOf, type RunResult } from './report.ts';
import { runGoal, type GoalResult } from './run-goal.ts';
import { loadSuite, type Suite } from './suite.ts';
import { connectRemote, startInProcess, type EvalTarget } from './target.ts';

/** Options of `runEval`; validated once before anything starts. */
export interface EvalOptions {
  /** A suite file, a shipped suite's name (`travel`), or a suite already loaded. */
  suite: string | Suite;
  /** Goals run at once. @default 4 */
  concurrency?: number;
  /** A model spec as in `AIME_MODEL` (`sim`, `openai:<name>`); ignored when `models` is given. @default from the environment */
  model?: string;
  /** The models, fully configured (tests). @default modelsConfigFromEnv */
  models?: ModelsConfig;
  /** Run against this running server's REST API instead of an in-process stack. */
  url?: string;
  /** API key for `url` (role operator, to decide approvals). */
  apiKey?: string;
  /** With `url`: the server's Redis, to read the travel world's records. @default none: such checks are skipped */
  worldRedis?: { redisUrl: string; prefix: string };
  /** In-process: Redis to use. @default REDIS_URL, else 127.0.0.1:6379, else a redis-server started here */
  redisUrl?: string;
  /**
   * In-process: travel tools that need an approval before every call.
   * @default ['book_train'] when a line says approvals approve or reject, else []
   */
  requireApproval?: string[];
  /** Where `<suite>-<timestamp>.{md,json}` are written; null writes nothing. @default 'eval-results' */
  outDir?: string | null;
  /** Per goal: a mission still running after this is cancelled and fails. @default 300000 */
  timeoutMs?: number;
  progress?: ProgressReporter;
  /** @default pino at LOG_LEVEL, else silent */
  logger?: Logger;
}

/** What `runEval` returns. */
export interface EvalOutcome {
  run: RunResult;
  markdown: string;
  /** The files written, unless `outDir` was null. */
  files?: { markdown: string; json: string };
}

/** Runs `fn` over `items` with at most `limit` at once, keeping the input order in the output. */
async function mapPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** `2026-12-01T20-55-03Z`: sortable and safe in file names. */
const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');

function checkOptions(o: EvalOptions): void {
  const c = o.concurrency ?? 4;
  if (!Number.isInteger(c) || c < 1 || c > 64) throw new UsageError(`concurrency must be an integer 1..64, got ${c}`);
  const t = o.timeoutMs ?? 300_000;
  if (!Number.isInteger(t) || t < 1000) throw new UsageError(`timeout must be at least 1000 ms, got ${t}`);
  if (o.url) {
    try {
      new URL(o.url);
    } catch {
      throw new UsageError(`--url '${o.url}' is not a URL: expected e.g. http://127.0.0.1:7400`);
    }
    if (o.requireApproval) throw new UsageError('--require-approval configures the in-process stack; with --url the server decides which tools need approval');
  }
}

/** The run's models: `--model` for every role, else the environment over the config file's `models` section. */
async function modelsFor(o: EvalOptions): Promise<ModelsConfig> {
  if (o.models) return o.models;
  const env = o.model ? { ...process.env, AIME_MODEL: o.model, AIME_PLANNER_MODEL: o.model, AIME_FACTORY_MODEL: o.model, AIME_ACTOR_MODEL: o.model } : process.env;
  try {
    return modelsConfigFromEnv(env, await readModelsSection());
  } catch (err) {
    throw new UsageError(`${o.model ? '--model' : 'model settings'}: ${(err as Error).message}`);
  }
}

/**
 * Runs every goal of a suite, checks each, and writes the results table as Markdown and JSON.
 * Starts the whole stack in this process on a random key prefix (deleted afterwards) unless
 * `url` names a running server. Never throws for a failing goal: that is a row of the results.
 * @throws UsageError for bad options or a bad suite file, before anything starts
 */
export async function runEval(options: EvalOptions): Promise<EvalOutcome> {
  checkOptions(options);
  const suite = typeof options.suite === 'string' ? await loadSuite(options.suite) : options.suite;
  const concurrency = options.concurrency ?? 4;
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const wantsApproval = suite.goals.some((g) => g.approvals === 'approve' || g.approvals === 'reject');
  let target: EvalTarget;
  if (options.url) {
    target = await connectRemote({ url: options.url, ...(options.apiKey ? { apiKey: options.apiKey } : {}), ...(options.worldRedis ? { world: options.worldRedis } : {}) });
  } else {
    const models = await modelsFor(options);
    target = await startInProcess({
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
      models,
      requireApproval: options.requireApproval ?? (wantsApproval ? ['book_train'] : []),
      // Each mission runs several actors at once; give every concurrent goal room for two.
      actorConcurrency: Math.max(4, concurrency * 2),
      logger,
    });
  }
  const started = new Date();
  let goals: GoalResult[];
  try {
    options.progress?.start(suite.goals.length);
    goals = await mapPool(suite.goals, concurrency, async (line) => {
      const r = await runGoal(line, { client: target.client, world: (id) => target.world(id), suitePath: suite.path, suiteName: suite.name, timeoutMs: options.timeoutMs ?? 300_000 });
      options.progress?.done(r);
      return r;
    });
  } finally {
    options.progress?.stop();
    await target.close();
  }
  const models = [...new Set(goals.map((g) => g.model).filter((m): m is string => !!m))];
  const run: RunResult = {
    version: 1,
    suite: suite.name,
    suitePath: suite.path,
    startedAt: started.toISOString(),
    models,
    simulated: options.url ? models.every((m) => /\bsim\b/.test(m)) && models.length > 0 : target.simulated,
    concurrency,
    target: options.url ?? 'in-process stack',
    goals,
    totals: totalsOf(goals, Date.now() - started.getTime()),
  };
  const markdown = renderMarkdown(run);
  if (options.outDir === null) return { run, markdown };
  const dir = resolve(options.outDir ?? 'eval-results');
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${suite.name}-${stamp(started)}`);
  const files = { markdown: `${base}.md`, json: `${base}.json` };
  await writeFile(files.markdown, markdown);
  await writeFile(files.json, `${JSON.stringify(run, null, 2)}\n`);
  return { run, markdown, files };
}
