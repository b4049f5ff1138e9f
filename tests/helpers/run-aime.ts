import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `aime` binary as npm links it (apps/cli/bin/aime.js). */
export const AIME_BIN = fileURLToPath(new URL('../../apps/cli/bin/aime.js', import.meta.url));

export interface AimeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `aime` binary in a child process with exactly `env` on top of PATH and HOME
 * (no AIME_URL / AIME_API_KEY leak in from the test's own environment).
 */
export function runAime(args: string[], env: Record<string, string>, timeoutMs = 150_000): Promise<AimeRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [AIME_BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env }, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
        if (code === null) return reject(new Error(`aime ${args.join(' ')} did not exit: ${err?.message}\n${stderr}`));
        resolve({ code, stdout, stderr });
      },
    );
  });
}
