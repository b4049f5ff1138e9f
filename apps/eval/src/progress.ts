import { SingleBar, Presets } from 'cli-progress';
import { outcome } from './report.ts';
import type { GoalResult } from './run-goal.ts';

/** Told when each goal ends. */
export interface ProgressReporter {
  start(total: number): void;
  done(result: GoalResult): void;
  stop(): void;
}

/**
 * A progress bar on a terminal, plain lines otherwise (CI logs, pipes). Written to stderr so
 * that stdout carries only the results (`--json` stays parseable).
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  let total = 0;
  let count = 0;
  let passed = 0;
  let failed = 0;
  if (stream.isTTY) {
    const bar = new SingleBar({ stream, format: ' {bar} {value}/{total} goals | {passed} passed, {failed} failed | {last}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    return {
      start(n) {
        total = n;
        bar.start(total, 0, { passed: 0, failed: 0, last: '' });
      },
      done(r) {
        if (outcome(r) === 'pass') passed++;
        else if (outcome(r) === 'fail') failed++;
        bar.increment(1, { passed, failed, last: `${r.id}: ${outcome(r)}` });
      },
      stop: () => bar.stop(),
    };
  }
  return {
    start(n) {
      total = n;
      stream.write(`running ${n} goals\n`);
    },
    done(r) {
      count++;
      stream.write(`[${count}/${total}] ${outcome(r).toUpperCase()} ${r.id} (${r.status}, ${(r.wallMs / 1000).toFixed(1)} s)${outcome(r) === 'pass' ? '' : `: ${r.message}`}\n`);
    },
    stop: () => undefined,
  };
}
