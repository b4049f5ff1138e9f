import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryToolContext, runTool, type ToolResult } from '@aime/plugin-sdk';
import { createBuiltinPlugin } from '@aime/plugin-builtin';
import { toolOf } from './helpers.ts';

let root: string;
let outside: string;
const missionId = `m-${randomUUID()}`;
const ctx = () => createMemoryToolContext({ missionId });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'aime-files-'));
  outside = await mkdtemp(join(tmpdir(), 'aime-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'top secret');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const plugin = (maxBytes?: number) => createBuiltinPlugin({ files: { root, ...(maxBytes ? { maxBytes } : {}) } });
const call = (name: string, input: unknown, p = plugin()) => runTool(toolOf(p, name), input, ctx());

function failed(result: ToolResult): { toolCode?: string; message: string } {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe('files', () => {
  it("writes, reads and lists inside <root>/<missionId>", async () => {
    expect(await call('write_file', { path: 'notes/plan.md', content: '# Plan\n' })).toEqual({ ok: true, output: { path: 'notes/plan.md', bytes: 7 } });
    expect(await readFile(join(root, missionId, 'notes', 'plan.md'), 'utf8')).toBe('# Plan\n');
    expect(await call('read_file', { path: 'notes/plan.md' })).toEqual({ ok: true, output: { path: 'notes/plan.md', content: '# Plan\n', bytes: 7, truncated: false } });
    expect(await call('list_files', {})).toEqual({ ok: true, output: { path: '.', entries: [{ name: 'notes', type: 'folder' }], truncated: false } });
    expect(await call('list_files', { path: 'notes' })).toEqual({ ok: true, output: { path: 'notes', entries: [{ name: 'plan.md', type: 'file', bytes: 7 }], truncated: false } });
  });

  it('keeps missions apart', async () => {
    await call('write_file', { path: 'a.txt', content: 'mine' });
    const other = await runTool(toolOf(plugin(), 'read_file'), { path: 'a.txt' }, createMemoryToolContext({ missionId: 'someone-else' }));
    expect(failed(other).toolCode).toBe('not_found');
  });

  it('lists an empty workspace before anything was written', async () => {
    expect(await call('list_files', {})).toMatchObject({ ok: true, output: { entries: [] } });
  });

  it('refuses absolute paths', async () => {
    const error = failed(await call('read_file', { path: join(outside, 'secret.txt') }));
    expect(error.toolCode).toBe('path_refused');
    expect(error.message).toContain('absolute');
  });

  it('refuses .. escapes, also in the middle of a path', async () => {
    for (const path of ['../x.txt', 'notes/../../x.txt', '..']) {
      expect(failed(await call('write_file', { path, content: 'x' })).toolCode, path).toBe('path_refused');
    }
    expect(failed(await call('list_files', { path: '..' })).toolCode).toBe('path_refused');
  });

  it('refuses to read through a symlink that points outside', async () => {
    await mkdir(join(root, missionId), { recursive: true });
    await symlink(join(outside, 'secret.txt'), join(root, missionId, 'link.txt'));
    const error = failed(await call('read_file', { path: 'link.txt' }));
    expect(error.toolCode).toBe('path_refused');
    expect(error.message).not.toContain('top secret');
  });

  it('refuses to write into a symlinked folder that points outside', async () => {
    await mkdir(join(root, missionId), { recursive: true });
    await symlink(outside, join(root, missionId, 'out'));
    expect(failed(await call('write_file', { path: 'out/new/evil.txt', content: 'x' })).toolCode).toBe('path_refused');
    await expect(readFile(join(outside, 'new', 'evil.txt'))).rejects.toThrow();
    expect(failed(await call('list_files', { path: 'out' })).toolCode).toBe('path_refused');
  });

  it('refuses to write through a symlink, even one inside', async () => {
    await call('write_file', { path: 'real.txt', content: 'original' });
    await symlink(join(outside, 'secret.txt'), join(root, missionId, 'secret-link'));
    expect(failed(await call('write_file', { path: 'secret-link', content: 'overwritten' })).toolCode).toBe('path_refused');
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
  });

  it('shows links as links in listings without following them', async () => {
    await mkdir(join(root, missionId), { recursive: true });
    await symlink(join(outside, 'secret.txt'), join(root, missionId, 'link.txt'));
    expect(await call('list_files', {})).toMatchObject({ ok: true, output: { entries: [{ name: 'link.txt', type: 'link' }] } });
  });

  it('refuses writes over the size limit and cuts reads at it', async () => {
    const p = plugin(10);
    const error = failed(await call('write_file', { path: 'big.txt', content: 'x'.repeat(11) }, p));
    expect(error.toolCode).toBe('file_too_large');
    expect(error.message).toContain('files.maxBytes');
    await mkdir(join(root, missionId), { recursive: true });
    await writeFile(join(root, missionId, 'big.txt'), 'y'.repeat(50));
    expect(await call('read_file', { path: 'big.txt' }, p)).toEqual({ ok: true, output: { path: 'big.txt', content: 'y'.repeat(10), bytes: 50, truncated: true } });
  });

  it('says what is missing or of the wrong kind', async () => {
    expect(failed(await call('read_file', { path: 'nope.txt' })).toolCode).toBe('not_found');
    await call('write_file', { path: 'dir/a.txt', content: 'a' });
    expect(failed(await call('read_file', { path: 'dir' })).toolCode).toBe('not_a_file');
    expect(failed(await call('list_files', { path: 'dir/a.txt' })).toolCode).toBe('not_a_folder');
  });
});
