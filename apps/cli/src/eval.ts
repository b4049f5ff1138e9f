import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `aime eval …`: runs the eval harness (apps/eval) with the same arguments, in its own process
 * so its options, output and exit codes stay exactly its own.
 */
export function runEval(args: string[]): Promise<number> {
  // The harness's entry sits beside the module its package exports.
  const main = fileURLToPath(new URL('./main.ts', import.meta.resolve('@aime/eval')));
  const loader = import.meta.resolve('tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', loader, main, ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + 2 : 1)));
  });
}
