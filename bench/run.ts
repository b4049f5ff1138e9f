/**
 * Runs every benchmark in bench/ (each `*.ts` exporting `run`, one after the other so
 * they do not compete for the CPU) and prints their numbers as one table.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const NOT_BENCHES = new Set(['run.ts', 'types.ts']);

const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !NOT_BENCHES.has(f))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
  .sort();

const results: BenchResult[] = [];
let failed = false;
for (const f of files) {
  const mod = (await import(pathToFileURL(`${dir}${f}`).href)) as Partial<BenchModule>;
  if (typeof mod.run !== 'function') continue;
  console.error(`== ${f}`);
  try {
    results.push(await mod.run());
  } catch (err) {
    failed = true;
    console.error(`${f} failed:`, err);
  }
}

const width = Math.max(10, ...results.flatMap((r) => r.rows.map(([k]) => k.length)));
for (const r of results) {
  console.log(`\n${r.name}  (${r.file.replace(`${dir}`, 'bench/')})`);
  console.log(`${'metric'.padEnd(width)}  value`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(30)}`);
  for (const [k, v] of r.rows) console.log(`${k.padEnd(width)}  ${v}`);
}
process.exit(failed ? 1 : 0);
