import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, renderComparison, runEval, type EvalOutcome, type RunResult } from '@aime/eval';
import { FIRST_SHINKANSEN, REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL } from '../helpers/stack.ts';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHECKS = join(ROOT, 'apps/eval/suites/checks');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'apps/eval/src/main.ts');

/** Runs the eval CLI; resolves with its exit code and output instead of throwing on a non-zero exit. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [CLI, ...args], { cwd: ROOT, env: { ...process.env, REDIS_URL } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const SUITE = [
  { id: 'reference', goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT, check: { status: 'succeeded', contains: ['Kyoto'], module: join(CHECKS, 'itinerary-in-budget.ts') } },
  {
    id: 'sold-out',
    goal: REFERENCE_GOAL,
    context: { ...REFERENCE_CONTEXT, disruptions: [{ kind: 'sell_out_train', trainId: FIRST_SHINKANSEN, trigger: 'after_search' }] },
    check: { status: 'succeeded', module: join(CHECKS, 'replaced-disrupted.ts') },
  },
  // The sim never plans Osaka for this goal: this check must fail.
  { id: 'wants-osaka', goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT, check: { contains: ['Osaka'], jsonPath: { path: '$.usage.plannerSteps', gte: 1 } } },
];

let dir: string;
let outcome: EvalOutcome;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aime-eval-'));
  const suite = join(dir, 'small.jsonl');
  await writeFile(suite, `${SUITE.map((l) => JSON.stringify(l)).join('\n')}\n`);
  outcome = await runEval({ suite, concurrency: 3, model: 'sim', redisUrl: REDIS_URL, outDir: join(dir, 'results') });
}, 180_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const goal = (r: RunResult, id: string) => r.goals.find((g) => g.id === id)!;

describe('the eval harness over real Redis with the simulated model', () => {
  it('passes the goals whose checks hold, from the travel world records, and fails the one whose check does not', () => {
    const { run: r } = outcome;
    expect(r.goals.map((g) => [g.id, g.pass])).toEqual([
      ['reference', true],
      ['sold-out', true],
      ['wants-osaka', false],
    ]);
    expect(goal(r, 'reference').message).toMatch(/4 bookings \(1 flight, 1 train, 2 hotel\), total ¥[\d,]+ ≤ ¥300,000/);
    // The disrupted goal was checked against the world: the sold-out train replaced, not booked.
    expect(goal(r, 'sold-out').message).toContain(`replaced ${FIRST_SHINKANSEN} → NOZOMI-`);
    const failed = goal(r, 'wants-osaka');
    expect(failed.status).toBe('succeeded');
    expect(failed.skipped).toBeUndefined();
    expect(failed.message).toBe('answer lacks "Osaka"');
    for (const g of r.goals) {
      expect(g.promptTokens, g.id).toBeGreaterThan(0);
      expect(g.completionTokens, g.id).toBeGreaterThan(0);
      expect(g.plannerSteps, g.id).toBeGreaterThan(1);
      expect(g.model).toBe('sim');
    }
    // The sell-out made the planner replan: more steps than the undisturbed trip.
    expect(goal(r, 'sold-out').plannerSteps).toBeGreaterThan(goal(r, 'reference').plannerSteps);
  });

  it('sums the totals and writes the Markdown and JSON results', async () => {
    const { run: r, markdown, files } = outcome;
    expect(r.totals).toMatchObject({ goals: 3, passed: 2, failed: 1, skipped: 0 });
    expect(r.totals.promptTokens).toBe(r.goals.reduce((s, g) => s + g.promptTokens, 0));
    expect(r.totals.plannerSteps).toBe(r.goals.reduce((s, g) => s + g.plannerSteps, 0));
    expect(r.simulated).toBe(true);
    expect(markdown).toContain('# Eval: small');
    expect(markdown).toContain('2 of 3 goals passed, 1 failed, 0 skipped');
    expect(markdown).toMatch(/^\| wants-osaka \| FAIL \| succeeded \| [\d,]+ \| [\d,]+ \| \$0\.0000 \| \d+\.\d s \| \d+ \| answer lacks "Osaka" \|$/m);
    expect(markdown).toMatch(/^\| reference \| PASS \| succeeded \|/m);
    expect(markdown).toMatch(/^\| \*\*total\*\* \| \*\*2\/3\*\* \|/m);
    expect(files!.markdown).toMatch(/small-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.md$/);
    expect(await readFile(files!.markdown, 'utf8')).toBe(markdown);
    const json = JSON.parse(await readFile(files!.json, 'utf8')) as RunResult;
    expect(json.goals.map((g) => g.id)).toEqual(['reference', 'sold-out', 'wants-osaka']);
    expect(json.totals).toEqual(r.totals);
  });

  it('compares two runs: a regression, a fix and the token deltas, in the library and the CLI', async () => {
    const a = outcome.run;
    // Run b: the reference goal regressed and used 100 more prompt tokens; wants-osaka now passes.
    const b: RunResult = structuredClone(a);
    Object.assign(goal(b, 'reference'), { pass: false, message: 'answer lacks "Kyoto"', promptTokens: goal(a, 'reference').promptTokens + 100 });
    Object.assign(goal(b, 'wants-osaka'), { pass: true });
    const diff = compareRuns(a, b);
    expect(diff.goals.map((g) => [g.id, g.change])).toEqual([
      ['reference', 'pass→fail'],
      ['sold-out', 'same'],
      ['wants-osaka', 'fail→pass'],
    ]);
    expect(diff).toMatchObject({ regressions: 1, fixes: 1, totals: { promptTokens: 100, completionTokens: 0 } });
    const text = renderComparison(a, b, diff);
    expect(text).toMatch(/^\| reference \| pass \| fail \| \*\*pass→fail\*\* \| \+100 \| ±0 \|/m);
    expect(text).toMatch(/^\| \*\*total\*\* \| 2 passed \| 2 passed \| 1 regressions, 1 fixes \| \+100 \|/m);

    const aFile = outcome.files!.json;
    const bFile = join(dir, 'b.json');
    await writeFile(bFile, JSON.stringify(b));
    const res = await cli(['--compare', aFile, bFile]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe(text);
    expect((await cli(['--compare', aFile, aFile])).code).toBe(0);
  });

  it('the CLI exits 2 on a bad suite file and names every bad line by number', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, [JSON.stringify(SUITE[0]), JSON.stringify({ id: 'no-check', goal: 'Plan a trip' }), '{ not json', JSON.stringify({ ...SUITE[0], check: { status: 'done' } })].join('\n'));
    const res = await cli(['--suite', bad, '--out', join(dir, 'never')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`invalid suite ${bad}`);
    expect(res.stderr).toMatch(/^bad\.jsonl:2: check: /m);
    expect(res.stderr).toMatch(/^bad\.jsonl:3: not JSON/m);
    expect(res.stderr).toMatch(/^bad\.jsonl:4: check\.status: /m);
    expect(res.stderr).not.toMatch(/bad\.jsonl:1:/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    // A usage error is one line plus the hint, never a stack trace.
    const usage = await cli(['--concurrency', '0', '--suite', bad]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("aime eval: --concurrency must be a positive integer, got '0'\nRun npm run eval -- --help for usage.\n");
  });
});
