import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ToolError } from '@aime/plugin-sdk';

const MISSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The mission's workspace folder: `<root>/<missionId>`, created on demand. */
export function workspaceDir(root: string, missionId: string): string {
  if (!MISSION_ID.test(missionId)) throw new ToolError('invalid_mission', `mission id ${JSON.stringify(missionId)} cannot name a workspace folder`);
  return join(resolve(root), missionId);
}

const inside = (base: string, target: string): boolean => {
  const rel = relative(base, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The absolute path of a workspace-relative path, refused when absolute or when it climbs
 * out with `..`. Symlinks are checked separately, against the real file system.
 * @throws ToolError `path_refused`
 */
export function lexicalPath(workspace: string, path: string): string {
  if (path.includes('\0')) throw new ToolError('path_refused', 'paths cannot contain NUL characters');
  if (isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\')) {
    throw new ToolError('path_refused', `${JSON.stringify(path)} is absolute; give a path relative to the mission workspace, such as "notes/plan.md"`);
  }
  const target = resolve(workspace, path);
  if (!inside(workspace, target)) throw new ToolError('path_refused', `${JSON.stringify(path)} leads outside the mission workspace; paths stay inside it`);
  return target;
}

/** Realpath of the workspace, created when missing (so the check has something to compare with). */
export async function realWorkspace(workspace: string): Promise<string> {
  await mkdir(workspace, { recursive: true });
  return realpath(workspace);
}

/**
 * Refuses a path whose real location (symlinks resolved) is outside the workspace. For a
 * path that does not exist yet, its deepest existing ancestor is checked.
 * @throws ToolError `path_refused`
 */
export async function checkReal(realBase: string, target: string, shown: string): Promise<void> {
  let probe = target;
  for (;;) {
    try {
      const real = await realpath(probe);
      if (!inside(realBase, real)) throw new ToolError('path_refused', `${JSON.stringify(shown)} resolves (through a symbolic link) outside the mission workspace; refused`);
      return;
    } catch (err) {
      if (err instanceof ToolError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const parent = resolve(probe, '..');
      if (parent === probe) return;
      probe = parent;
    }
  }
}

/**
 * Writes a file inside the workspace: parents created after the symlink check, the final
 * component opened with O_NOFOLLOW so a link planted there cannot redirect the write.
 */
export async function writeInside(realBase: string, target: string, shown: string, content: string): Promise<void> {
  await checkReal(realBase, target, shown);
  const parent = resolve(target, '..');
  await mkdir(parent, { recursive: true });
  await checkReal(realBase, parent, shown);
  const stat = await lstat(target).catch(() => undefined);
  if (stat?.isSymbolicLink()) throw new ToolError('path_refused', `${JSON.stringify(shown)} is a symbolic link; write_file does not write through links`);
  if (stat?.isDirectory()) throw new ToolError('not_a_file', `${JSON.stringify(shown)} is a folder`);
  const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ELOOP') throw new ToolError('path_refused', `${JSON.stringify(shown)} is a symbolic link; write_file does not write through links`);
    throw err;
  });
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
}
