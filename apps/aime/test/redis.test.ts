import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureRedis, type EnsuredRedis } from '../src/redis.ts';
import { parseMaxmemory, redactRedisUrl } from '../src/redis.ts';

/** Sends inline commands, then QUIT, and returns everything Redis answered. */
function talk(port: number, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let out = '';
    sock.on('data', (d) => (out += d.toString()));
    sock.on('error', reject);
    sock.on('close', () => resolve(out));
    sock.on('connect', () => sock.write([...commands, 'QUIT'].map((c) => `${c}\r\n`).join('')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

let started: EnsuredRedis | undefined;
let dir: string | undefined;
afterEach(async () => {
  await started?.stop();
  started = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the redis-server that npm start starts', () => {
  it('requires a random password, caps memory with noeviction, listens on loopback, and keeps the password out of ps and the display URL', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aime-redis-'));
    const port = await freePort();
    started = await ensureRedis({ port, dataDir: dir, maxmemory: '64mb' });
    expect(started.started).toBe(true);
    const password = new URL(started.url).password;
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(started.displayUrl).not.toContain(password);

    expect(await talk(port, ['PING'])).toMatch(/^-NOAUTH/);
    const answer = await talk(port, [`AUTH ${password}`, 'CONFIG GET maxmemory', 'CONFIG GET maxmemory-policy', 'CONFIG GET bind']);
    expect(answer).toContain('+OK');
    expect(answer).toContain(`maxmemory\r\n$8\r\n${64 * 1024 * 1024}`);
    expect(answer).toContain('noeviction');
    expect(answer).toMatch(/bind\r\n\$\d+\r\n127\.0\.0\.1/);

    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    expect(ps).not.toContain(password);
  });

  it('validates the memory cap and masks a password in any URL it shows', () => {
    expect(parseMaxmemory('512MB')).toBe('512mb');
    expect(() => parseMaxmemory('lots')).toThrow(/AIME_REDIS_MAXMEMORY must be a size like 512mb/);
    expect(() => parseMaxmemory('0')).toThrow(/AIME_REDIS_MAXMEMORY/);
    expect(redactRedisUrl('redis://:s3cret@127.0.0.1:6380')).toBe('redis://:***@127.0.0.1:6380');
    expect(redactRedisUrl('redis://user:s3cret@host:6379/0')).not.toContain('s3cret');
  });
});
