/**
 * A service's real entry point (`services/<name>/src/main.ts`) as an OS process of its own,
 * configured by environment only, with its output kept in memory and its exit code awaitable:
 * for tests of what a process does at start and at a signal. Killed by `killAll` if still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface MainProcess {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** The exit code (null after a signal), once all output was read. */
  exited: Promise<number | null>;
  /** The JSON log lines whose `msg` contains `msg`. */
  logged(msg: string): Array<Record<string, unknown>>;
}

const started: MainProcess[] = [];

/** Starts `node --import tsx <ROOT>/<entry>` with `env` over this process's environment. */
export function launchMain(entry: string, env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}/${entry}`], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const p: MainProcess = {
    child,
    out: () => out,
    err: () => err,
    exited: new Promise((r) => child.once('close', (code) => r(code))),
    logged: (msg) =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => typeof l.msg === 'string' && l.msg.includes(msg)),
  };
  started.push(p);
  return p;
}

/** SIGKILLs every process started here that still runs, and waits for them. */
export async function killAll(): Promise<void> {
  for (const p of started.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
}

/** Polls `check` until it returns something other than undefined/false. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve(check()).catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
