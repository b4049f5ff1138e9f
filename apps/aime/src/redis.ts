import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';

/** A user-facing start-up problem: printed as one clear message, never as a stack trace. */
export class StartupError extends Error {
  readonly code = 'startup';
}

/** Memory cap of the redis-server started here. @default '512mb' (env `AIME_REDIS_MAXMEMORY`) */
export const DEFAULT_REDIS_MAXMEMORY = '512mb';

/** Validates a redis `maxmemory` value such as `512mb`, `2gb` or a byte count. */
export function parseMaxmemory(value: string): string {
  const v = value.trim().toLowerCase();
  if (!/^\d+(kb|mb|gb)?$/.test(v) || /^0+(kb|mb|gb)?$/.test(v)) {
    throw new StartupError(`AIME_REDIS_MAXMEMORY must be a size like 512mb, 2gb or a number of bytes, got ${JSON.stringify(value)}`);
  }
  return v;
}

/** The URL (or comma list of Cluster seed URLs) without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  if (url.includes(',')) return url.split(',').map((u) => redactRedisUrl(u.trim())).join(',');
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable redis url)';
  }
}

/** True when something speaks Redis on host:port; `anyReply` also counts an auth error as an answer. */
function answers(host: string, port: number, timeoutMs = 500, anyReply = false): Promise<boolean> {
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
      sock.once('data', (d) => finish(d.toString().startsWith('+PONG') || (anyReply && d.toString().startsWith('-NOAUTH'))));
    });
  });
}

export interface EnsuredRedis {
  /** The URL to connect with; it carries the password of a server started here: never log it, log `displayUrl`. */
  url: string;
  /** `url` with the password masked. */
  displayUrl: string;
  /** True when this process started redis-server itself. */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * Uses REDIS_URL when set; otherwise 127.0.0.1:6379 if it answers; otherwise starts the
 * `redis-server` found on PATH (data under `.aime/redis`, AOF on) and stops it on exit.
 * A server started here listens on loopback only, requires a random password (in the
 * returned URL only), and is capped at `maxmemory` with `noeviction`: when full, writes fail
 * with an error instead of Redis silently dropping mission keys or queue jobs.
 */
export async function ensureRedis(
  opts: { redisUrl?: string; dataDir?: string; port?: number; maxmemory?: string } = {},
): Promise<EnsuredRedis> {
  if (opts.redisUrl) return { url: opts.redisUrl, displayUrl: redactRedisUrl(opts.redisUrl), started: false, stop: async () => undefined };
  const maxmemory = parseMaxmemory(opts.maxmemory ?? DEFAULT_REDIS_MAXMEMORY);
  const port = opts.port ?? 6379;
  const plain = `redis://127.0.0.1:${port}`;
  if (await answers('127.0.0.1', port)) return { url: plain, displayUrl: plain, started: false, stop: async () => undefined };
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
  const password = randomBytes(24).toString('hex');
  // The configuration goes in on stdin (`redis-server -`), so the password never shows in `ps`.
  const config = [
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    `dir "${dir.replace(/["\\]/g, '\\$&')}"`,
    // AOF fsynced once a second: a crash of the machine loses at most about the last second of
    // writes (docs/reliability.md); a crash of redis-server alone loses nothing.
    'appendonly yes',
    'appendfsync everysec',
    'save ""',
    `maxmemory ${maxmemory}`,
    'maxmemory-policy noeviction',
    `requirepass ${password}`,
  ].join('\n');
  const child: ChildProcess = spawn('redis-server', ['-'], { stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin?.end(`${config}\n`);
  for (let i = 0; i < 50 && !(await answers('127.0.0.1', port, 500, true)); i++) await new Promise((r) => setTimeout(r, 100));
  // An exited child means the port was taken by someone else, who may be what answered.
  if (child.exitCode !== null || !(await answers('127.0.0.1', port, 500, true))) {
    child.kill('SIGTERM');
    throw new StartupError(`redis-server did not start on 127.0.0.1:${port} (data dir ${dir}).`);
  }
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    displayUrl: `redis://:***@127.0.0.1:${port}`,
    started: true,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
