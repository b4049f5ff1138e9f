import { lstat, open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { defineBundle, defineTool, ToolError, type BundleDefinition, type ToolContext } from '@aime/plugin-sdk';
import type { ResolvedBuiltinConfig } from './config.ts';
import { checkReal, lexicalPath, realWorkspace, workspaceDir, writeInside } from './workspace.ts';

/** A listing stops here; a model cannot use more names than this anyway. */
export const MAX_LIST_ENTRIES = 1_000;

const Path = z.string().min(1).max(1_000).describe('Path relative to the mission workspace, e.g. "notes/plan.md"');

async function place(config: () => ResolvedBuiltinConfig, ctx: ToolContext, path: string): Promise<{ realBase: string; target: string }> {
  const workspace = workspaceDir(config().files.root, ctx.missionId);
  const target = lexicalPath(workspace, path);
  const realBase = await realWorkspace(workspace);
  return { realBase, target: join(realBase, relative(workspace, target)) };
}

function notFound(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ToolError('not_found', `${JSON.stringify(path)} does not exist in the mission workspace; list_files shows what does`);
  if (code === 'EISDIR') return new ToolError('not_a_file', `${JSON.stringify(path)} is a folder; use list_files`);
  return err;
}

async function readFileCapped(target: string, maxBytes: number): Promise<{ text: string; bytes: number; truncated: boolean }> {
  const handle = await open(target, 'r');
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const length = Math.min(info.size, maxBytes);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, 0);
    return { text: new TextDecoder('utf-8').decode(buf.subarray(0, bytesRead)), bytes: info.size, truncated: info.size > maxBytes };
  } finally {
    await handle.close();
  }
}

/** The `files` bundle: read, write and list files in the mission's own workspace folder. */
export function createFilesBundle(config: () => ResolvedBuiltinConfig): BundleDefinition {
  return defineBundle({
    name: 'files',
    description: "Read, write and list text files in this mission's own workspace folder (read_file, write_file, list_files); nothing outside it.",
    tools: [
      defineTool({
        name: 'read_file',
        description: 'Read a text file from the mission workspace. Long files are cut at a size limit (`truncated` says so).',
        input: z.object({ path: Path }),
        sideEffects: 'none',
        run: async ({ path }, ctx) => {
          const { realBase, target } = await place(config, ctx, path);
          await checkReal(realBase, target, path);
          try {
            const { text, bytes, truncated } = await readFileCapped(target, config().files.maxBytes);
            return { path, content: text, bytes, truncated };
          } catch (err) {
            throw notFound(err, path);
          }
        },
      }),
      defineTool({
        name: 'write_file',
        description: 'Write (create or replace) a text file in the mission workspace; folders are created as needed.',
        input: z.object({ path: Path, content: z.string().describe('The whole new content of the file') }),
        sideEffects: 'idempotent',
        run: async ({ path, content }, ctx) => {
          const max = config().files.maxBytes;
          const bytes = Buffer.byteLength(content, 'utf8');
          if (bytes > max) throw new ToolError('file_too_large', `content is ${bytes} bytes, over the limit of ${max} (files.maxBytes in the builtin plugin config); write it in smaller files`);
          const { realBase, target } = await place(config, ctx, path);
          await writeInside(realBase, target, path, content);
          return { path, bytes };
        },
      }),
      defineTool({
        name: 'list_files',
        description: 'List the files and folders in a folder of the mission workspace (the workspace itself by default).',
        input: z.object({ path: Path.optional() }),
        sideEffects: 'none',
        run: async ({ path }, ctx) => {
          const shown = path ?? '.';
          const { realBase, target } = await place(config, ctx, shown);
          await checkReal(realBase, target, shown);
          let names: string[];
          try {
            const info = await stat(target);
            if (!info.isDirectory()) throw new ToolError('not_a_folder', `${JSON.stringify(shown)} is a file; use read_file`);
            names = (await readdir(target)).sort();
          } catch (err) {
            throw notFound(err, shown);
          }
          const entries = await Promise.all(
            names.slice(0, MAX_LIST_ENTRIES).map(async (name) => {
              // lstat: a link is shown as a link, never as what it points to (which may be outside).
              const s = await lstat(join(target, name)).catch(() => undefined);
              const type = s === undefined ? 'gone' : s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other';
              return { name, type, ...(s?.isFile() ? { bytes: s.size } : {}) };
            }),
          );
          return { path: relative(realBase, target) || '.', entries, truncated: names.length > MAX_LIST_ENTRIES };
        },
      }),
    ],
  });
}
