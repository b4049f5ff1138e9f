import { runCli } from './program.ts';

// Commands that follow a stream end when it ends; setting exitCode (not exit()) lets stdout drain.
process.exitCode = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
