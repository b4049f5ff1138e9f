import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';

/** A user-facing start-up problem: printed as one clear message, never as a stack trace. */
export class StartupError extends Error {
  readonly code = 'startup';
}

function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const sock = createConnection({ host, port });
    const finish = (ok: boolean) => {
      sock.destroy();
      done(ok);
    };
    sock.setTimeout(timeoutMs, () => finish(false));
    sock.once('error', () => finish(false));
    sock.once('connect', () => {
      sock.write('PING\r\n');
      sock.once('data', (d) => finish(d.toString().startsWith('+PONG')));
    });
  });
}

export interface EnsuredRedis {
  url: string;
  /** True when this process started redis-server itself. */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * Uses REDIS_URL when set; otherwise 127.0.0.1:6379 if it answers; otherwise starts the
 * `redis-server` found on PATH (data under `.aime/redis`, AOF on) and stops it on exit.
 */
export async function ensureRedis(opts: { redisUrl?: string; dataDir?: string; port?: number } = {}): Promise<EnsuredRedis> {
  if (opts.redisUrl) return { url: opts.redisUrl, started: false, stop: async () => undefined };
  const port = opts.port ?? 6379;
  const url = `redis://127.0.0.1:${port}`;
  if (await answers('127.0.0.1', port)) return { url, started: false, stop: async () => undefined };
  if (spawnSync('redis-server', ['--version']).error) {
    throw new StartupError(
      [
        `No Redis answers on 127.0.0.1:${port} and no redis-server is installed.`,
        'Install one and run again, or point REDIS_URL at a running Redis:',
        '  Debian/Ubuntu:  sudo apt-get install redis-server',
        '  macOS:          brew install redis',
        '  Docker:         docker compose up -d redis',
      ].join('\n'),
    );
  }
  const dir = resolve(opts.dataDir ?? '.aime/redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50 && !(await answers('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await answers('127.0.0.1', port))) {
    child.kill('SIGTERM');
    throw new StartupError(`redis-server did not start on 127.0.0.1:${port} (data dir ${dir}).`);
  }
  return {
    url,
    started: true,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
