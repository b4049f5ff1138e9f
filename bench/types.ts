/** What one benchmark reports to `bench/run.ts`. */
export interface BenchResult {
  name: string;
  /** Where the full numbers were written. */
  file: string;
  /** Label and value, printed as a table. */
  rows: Array<[string, string]>;
}

/** A benchmark module: `bench/<name>.ts` exporting `run`. */
export interface BenchModule {
  run(): Promise<BenchResult>;
}
