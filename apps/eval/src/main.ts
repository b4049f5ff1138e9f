import { parseArgs } from 'node:util';
import { compareRuns, readResults, renderComparison } from './compare.ts';
import { UsageError } from './errors.ts';
import { createProgress } from './progress.ts';
import { runEval, type EvalOptions } from './run-eval.ts';

const USAGE = `Usage:
  npm run eval -- --suite <file|name> [--concurrency N] [--model <spec>] [--out <dir>] [--json] [--timeout <s>]
                  [--require-approval <tool,...|none>] [--url <server> [--api-key <key>] [--redis <url>] [--prefix <p>]]
  npm run eval -- --compare <a.json> <b.json> [--json]

  --suite             a suite file (JSONL) or a shipped suite name (travel)
  --concurrency       goals run at once (default 4)
  --model             sim or openai:<name> for every role (default: AIME_MODEL / OPENAI_API_KEY)
  --out               results directory (default eval-results)
  --json              print the results as JSON instead of Markdown
  --timeout           seconds a goal may run before it is cancelled and fails (default 300)
  --require-approval  in-process: travel tools that need approval (default book_train when a line sets approvals)
  --url               run against a running server's REST API instead of an in-process stack
  --api-key           API key for --url (default AIME_API_KEY)
  --redis, --prefix   with --url: the server's Redis and key prefix, to read the travel world's records
  --compare           print the differences between two results files

Exit code: 0 when every goal passed (skipped ones allowed), 1 when any failed
(with --compare: when b has a regression), 2 on a usage error.`;

function fail(message: string, code: number): never {
  process.stderr.write(`aime eval: ${message}\n${code === 2 ? 'Run npm run eval -- --help for usage.\n' : ''}`);
  process.exit(code);
}

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${raw}'`);
  return n;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      suite: { type: 'string' },
      concurrency: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      'require-approval': { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      redis: { type: 'string' },
      prefix: { type: 'string' },
      compare: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.compare) {
    if (positionals.length !== 2) throw new UsageError(`--compare takes two results files (a.json b.json), got ${positionals.length}`);
    const [a, b] = await Promise.all(positionals.map((p) => readResults(p)));
    const diff = compareRuns(a!, b!);
    process.stdout.write(values.json ? `${JSON.stringify(diff, null, 2)}\n` : renderComparison(a!, b!, diff));
    return diff.regressions > 0 ? 1 : 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.suite) throw new UsageError('--suite <file|name> is required (e.g. --suite travel)');
  if (!values.url && (values.redis || values.prefix || values['api-key'])) throw new UsageError('--redis, --prefix and --api-key go with --url');
  const timeout = positiveInt('timeout', values.timeout);
  const approvals = values['require-approval'];
  const apiKey = values['api-key'] ?? process.env.AIME_API_KEY;
  const options: EvalOptions = {
    suite: values.suite,
    ...(values.concurrency !== undefined ? { concurrency: positiveInt('concurrency', values.concurrency)! } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.out ? { outDir: values.out } : {}),
    ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
    ...(approvals !== undefined ? { requireApproval: approvals === 'none' ? [] : approvals.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(values.url ? { url: values.url } : {}),
    ...(values.url && apiKey ? { apiKey } : {}),
    ...(values.url && values.redis ? { worldRedis: { redisUrl: values.redis, prefix: values.prefix ?? process.env.AIME_PREFIX ?? 'aime:' } } : {}),
    progress: createProgress(),
  };
  const { run, markdown, files } = await runEval(options);
  process.stdout.write(values.json ? `${JSON.stringify(run, null, 2)}\n` : `${markdown}\n`);
  if (files) process.stderr.write(`results: ${files.markdown}\n         ${files.json}\n`);
  return run.totals.failed > 0 ? 1 : 0;
}

try {
  process.exit(await main());
} catch (err) {
  if (err instanceof UsageError || (err as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (err as { code?: unknown }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    fail((err as Error).message, 2);
  }
  // A start-up problem (no Redis, a plugin that fails): its message says what to do.
  fail((err as Error).message, 1);
}
