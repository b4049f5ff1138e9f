/**
 * The OS processes of a chaos run: a redis-server with AOF, and each service started as
 * `node --import tsx <entry>` (not the `tsx` CLI, which runs the entry in a child of its own:
 * a SIGKILL of the CLI would leave that child running). Output goes to one log file per
 * process, kept for the post-mortem of a failing run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/** Polls `check` every 100 ms until it is true; throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** A redis-server of the run's own on `port`, its AOF in `dir` (everysec, no RDB snapshots). */
export class RedisServer {
  private child: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--dir', this.dir];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    const probe = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: null });
    probe.on('error', () => undefined);
    try {
      await until('redis-server answers PING', async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        return (await probe.ping()) === 'PONG';
      }, 20_000);
    } finally {
      probe.disconnect();
    }
  }

  /** `SHUTDOWN` (not NOSAVE): Redis writes its AOF out before it exits, so nothing acknowledged is lost. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    const admin = new Redis(this.url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    admin.on('error', () => undefined);
    await admin.call('SHUTDOWN').catch(() => undefined);
    admin.disconnect();
    await exited;
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }
}

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

  close(): void {
    this.log.end();
  }
}
