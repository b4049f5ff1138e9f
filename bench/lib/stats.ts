/** Percentiles and summaries of samples (nearest-rank), for the benchmarks. */

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function summarize(samples: readonly number[]): Summary {
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  return { n: samples.length, p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), max: round(samples.reduce((a, b) => Math.max(a, b), -Infinity)), mean: round(mean) };
}

/** `value` as a multiple of the same-run baseline, e.g. `×12.3`. */
export const times = (value: number, baseline: number): string => `×${round(value / baseline, value / baseline < 10 ? 2 : 1)}`;

export const ms = (x: number): string => `${round(x, x < 10 ? 2 : 1)} ms`;
