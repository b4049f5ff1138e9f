import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepWorkspaces, workspaceRetentionFromEnv } from '../src/workspace-sweep.ts';

const DAY = 86_400_000;
let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A workspace whose files were all last written `ageMs` ago. */
function workspace(base: string, missionId: string, ageMs: number, now: number): string {
  const dir = join(base, missionId);
  mkdirSync(join(dir, 'notes'), { recursive: true });
  writeFileSync(join(dir, 'notes', 'plan.md'), '# plan');
  const t = new Date(now - ageMs);
  for (const p of [join(dir, 'notes', 'plan.md'), join(dir, 'notes'), dir]) utimesSync(p, t, t);
  return dir;
}

describe('workspace retention', () => {
  it('deletes the workspaces not written for the retention and keeps the others', async () => {
    root = mkdtempSync(join(tmpdir(), 'aime-ws-'));
    const now = Date.now();
    const old = workspace(root, 'm_old', 8 * DAY, now);
    const recent = workspace(root, 'm_recent', 1 * DAY, now);
    // An old folder with one recent write is still in use.
    const touched = workspace(root, 'm_touched', 30 * DAY, now);
    writeFileSync(join(touched, 'today.txt'), 'new');

    expect(await sweepWorkspaces(root, 7 * DAY, now)).toEqual(['m_old']);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(touched)).toBe(true);
  });

  it('finds nothing to do when the root does not exist yet', async () => {
    expect(await sweepWorkspaces(join(tmpdir(), `aime-none-${Date.now()}`), DAY)).toEqual([]);
  });

  it('reads AIME_RETENTION like the store does', () => {
    expect(workspaceRetentionFromEnv({})).toBe(7 * DAY);
    expect(workspaceRetentionFromEnv({ AIME_RETENTION: '12h' })).toBe(DAY / 2);
    expect(workspaceRetentionFromEnv({ AIME_RETENTION: '3600' })).toBe(3_600_000);
    expect(() => workspaceRetentionFromEnv({ AIME_RETENTION: 'forever' })).toThrow(/AIME_RETENTION must be a duration/);
  });
});
