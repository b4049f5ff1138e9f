/**
 * Runs the benchmarks in bench/ (each top-level `*.ts` exporting `run`, one after the other so
 * they do not compete for the CPU) and prints their numbers as one table. The raw-BullMQ
 * baseline is measured first, in the same run, and handed to each. `npm run bench -- --only
 * overhead,throughput` (or bare names) runs some; results go to bench/results/*.json.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measureBaseline } from './lib/baseline.ts';
import { machineFacts } from './lib/machine.ts';
import { writeResult } from './lib/results.ts';
import { ms } from './lib/stats.ts';
import type { BenchModule, BenchResult } from './types.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const NOT_BENCHES = new Set(['run.ts', 'types.ts']);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (a === '--only' ? [] : args[i - 1] === '--only' || !a.startsWith('--') ? a.split(',') : [])).filter(Boolean);
const available = readdirSync(dir).filter((f) => f.endsWith('.ts') && !NOT_BENCHES.has(f)).map((f) => f.replace(/\.ts$/, '')).sort();
const unknown = only.filter((n) => !available.includes(n));
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${available.join(', ')}`);
  process.exit(2);
}
const names = only.length ? available.filter((n) => only.includes(n)) : available;

const started = performance.now();
const machine = await machineFacts(REDIS_URL);
console.error(`== baseline (raw BullMQ on ${REDIS_URL})`);
const baseline = await measureBaseline(REDIS_URL);
console.error(`   round trip p50 ${ms(baseline.roundTripMs.p50)}, p99 ${ms(baseline.roundTripMs.p99)}; ${baseline.jobsPerSecAt50} jobs/s at concurrency 50`);

const results: BenchResult[] = [];
let failed = false;
for (const name of names) {
  const mod = (await import(pathToFileURL(`${dir}${name}.ts`).href)) as Partial<BenchModule>;
  if (typeof mod.run !== 'function') continue;
  console.error(`== ${name}`);
  const t0 = performance.now();
  try {
    results.push(await mod.run({ redisUrl: REDIS_URL, baseline, machine }));
    console.error(`   ${name} took ${Math.round((performance.now() - t0) / 1000)} s`);
  } catch (err) {
    failed = true;
    console.error(`${name} failed:`, err);
  }
}

const totalS = Math.round((performance.now() - started) / 1000);
const summary = writeResult(only.length ? `summary-${names.join('-')}` : 'summary', {
  machine,
  baseline,
  totalSeconds: totalS,
  benches: Object.fromEntries(results.map((r) => [r.name, r.figures ?? Object.fromEntries(r.rows)])),
});
const width = Math.max(10, ...results.flatMap((r) => r.rows.map(([k]) => k.length)));
console.log(`machine: ${machine.cpus} CPUs (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, Redis ${machine.redis}, load ${machine.loadAverage1m}`);
console.log(`baseline (raw BullMQ, this run): round trip p50 ${ms(baseline.roundTripMs.p50)} / p99 ${ms(baseline.roundTripMs.p99)}; ${baseline.jobsPerSecAt50} jobs/s at concurrency 50`);
for (const r of results) {
  console.log(`\n${r.name}  (${r.file.replace(`${dir}`, 'bench/')})`);
  console.log(`${'metric'.padEnd(width)}  value`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(30)}`);
  for (const [k, v] of r.rows) console.log(`${k.padEnd(width)}  ${v}`);
}
console.log(`\nall figures: ${summary.replace(dir, 'bench/')}; ${totalS} s in all`);
process.exit(failed ? 1 : 0);
