import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/service.ts', import.meta.url));

function launch(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': only then has all output been read.
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { child, exited, out: () => out };
}

describe('running a service as a process', () => {
  it('drains the service on SIGTERM and exits 0', async () => {
    const p = launch();
    while (!p.out().includes('up')) await new Promise((r) => setTimeout(r, 50));
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out()).toBe('up\nclosed\n');
  });

  it('exits 1 without starting when the start fails', async () => {
    const p = launch({ FAIL_START: '1' });
    expect(await p.exited).toBe(1);
    expect(p.out()).toBe('');
  });
});
