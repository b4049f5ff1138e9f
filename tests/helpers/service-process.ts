/**
 * A service as an OS process of its own, started as `node --import tsx <entry>` (not the `tsx`
 * CLI, which runs the entry in a child of its own: a SIGKILL of the CLI would leave that child
 * running). Output goes to one log file per process, kept for the post-mortem. Used by the chaos
 * suite and the scale-out benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

import { until } from './redis-server.ts';

/** One service process, restartable after a kill. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private log: WriteStream;
  /** Times started. */
  starts = 0;
  /** Lines the process printed on stdout, of its current incarnation (the sim prints its stats there). */
  lines: string[] = [];

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    logDir: string,
    /** Resolves once the process serves (an HTTP health check), or at once for queue workers. */
    private readonly ready: () => Promise<boolean> = async () => true,
    private readonly cwd: string = process.cwd(),
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.starts += 1;
    this.lines = [];
    this.log.write(`\n==== start #${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', this.entry], {
      cwd: this.cwd,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      // Only the recent lines matter (the stats line is rewritten every half second).
      if (this.lines.length > 200) this.lines.splice(0, this.lines.length - 200);
    });
    child.stderr?.on('data', (chunk: Buffer) => this.log.write(chunk));
    child.once('exit', (code, signal) => this.log.write(`\n==== exit code=${code} signal=${signal} at ${new Date().toISOString()}\n`));
    await until(`${this.name} ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode} (see its log)`);
      return this.ready();
    }, 60_000).catch((err: unknown) => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode} while starting (see ${this.log.path.toString()})`);
      throw err;
    });
  }

  /** SIGKILL, and wait until the OS has reaped it. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** A graceful stop at the end of a run (SIGTERM, then SIGKILL after 5 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** CPU time (user + system) the current incarnation used so far, in seconds; null off Linux or when not running. */
  cpuSeconds(): number | null {
    if (!this.alive || this.pid === undefined) return null;
    try {
      // /proc/<pid>/stat: the fields after the command name, utime and stime at 14 and 15, in clock ticks (100 per second on Linux).
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return null;
    }
  }

  close(): void {
    this.log.end();
  }
}
