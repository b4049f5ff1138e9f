import { lstat, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Mission workspaces are kept this long after their last write. @default 7 days (env `AIME_RETENTION`) */
export const DEFAULT_WORKSPACE_RETENTION_MS = 7 * 86_400_000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Reads `AIME_RETENTION` with the syntax the mission store accepts (`7d`, `12h`, `30m`,
 * seconds). This plugin does not depend on the store, so it reads the same variable itself;
 * the store validates it at start, so a bad value never gets this far in `npm start`.
 */
export function workspaceRetentionFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.AIME_RETENTION;
  if (raw === undefined || raw === '') return DEFAULT_WORKSPACE_RETENTION_MS;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  const n = m ? Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000) : NaN;
  if (!Number.isFinite(n) || n < 1) throw new Error(`AIME_RETENTION must be a duration like 7d, 12h, 30m or a number of seconds, got ${JSON.stringify(raw)}`);
  return Math.round(n);
}

/** The newest modification time in a folder tree (links are not followed). */
async function newestChange(dir: string): Promise<number> {
  let newest = (await lstat(dir)).mtimeMs;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? await newestChange(path) : (await lstat(path)).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/**
 * Deletes every mission workspace under `root` not written for `retentionMs`. A finished
 * mission writes nothing, so its workspace goes at most `retentionMs` after the finish: the
 * same retention as the mission's records. Returns the mission ids whose workspace went.
 */
export async function sweepWorkspaces(root: string, retentionMs: number, now: number = Date.now()): Promise<string[]> {
  const base = resolve(root);
  let entries;
  try {
    entries = await readdir(base, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(base, entry.name);
    try {
      if (now - (await newestChange(dir)) <= retentionMs) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(entry.name);
    } catch {
      // A workspace changing while it is walked is simply looked at again next time.
    }
  }
  return removed;
}

/** A running sweeper; `stop()` is idempotent. */
export interface WorkspaceSweeper {
  stop(): void;
}

/** Sweeps the workspaces under `root()` every `intervalMs` (default hourly). */
export function startWorkspaceSweeper(
  root: () => string,
  opts: { retentionMs?: number; intervalMs?: number; onError?: (err: unknown) => void } = {},
): WorkspaceSweeper {
  const retentionMs = opts.retentionMs ?? workspaceRetentionFromEnv();
  const timer = setInterval(() => {
    void sweepWorkspaces(root(), retentionMs).catch((err: unknown) => opts.onError?.(err));
  }, opts.intervalMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
