export { runCli, describeError } from './program.ts';
export { EXIT, UsageError } from './usage-error.ts';
export type { Io } from './io.ts';
