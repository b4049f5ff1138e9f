import type { Baseline } from './lib/baseline.ts';
import type { MachineFacts } from './lib/machine.ts';

/** What one benchmark reports to `bench/run.ts`. */
export interface BenchResult {
  name: string;
  /** Where the full numbers were written. */
  file: string;
  /** Label and value, printed as a table. */
  rows: Array<[string, string]>;
  /** The figures compared with the targets, for the summary (bench/results/summary.json). */
  figures?: Record<string, unknown>;
}

/** What every benchmark of a run shares: the raw-BullMQ baseline measured first, the machine. */
export interface BenchContext {
  redisUrl: string;
  baseline: Baseline;
  machine: MachineFacts;
}

/** A benchmark module: `bench/<name>.ts` exporting `run`. */
export interface BenchModule {
  run(ctx: BenchContext): Promise<BenchResult>;
}
