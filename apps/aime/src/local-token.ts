import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `npm start` or `aime up` leaves for the CLI on this machine: its address and the operator token it generated. */
export interface LocalServer {
  url: string;
  token: string;
  pid: number;
}

/** `$XDG_CONFIG_HOME/aime/local.json`, else `~/.config/aime/local.json`. */
export function localTokenPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(homedir(), '.config');
  return join(base, 'aime', 'local.json');
}

/** Writes the file readable by this user only (0600, in a 0700 folder). */
export function writeLocalServer(server: LocalServer, path = localTokenPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(server)}\n`, { mode: 0o600 });
  // An older file keeps its mode on overwrite: set it again.
  chmodSync(path, 0o600);
}

export function readLocalServer(path = localTokenPath()): LocalServer | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalServer>;
    return typeof v.url === 'string' && typeof v.token === 'string' && typeof v.pid === 'number' ? { url: v.url, token: v.token, pid: v.pid } : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the file when it still belongs to this server (a newer `aime up` may have replaced it). */
export function removeLocalServer(token: string, path = localTokenPath()): void {
  if (readLocalServer(path)?.token === token) rmSync(path, { force: true });
}

/** The same server? Origins compared with loopback names taken as one. */
export function sameServer(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const url = new URL(u);
      const host = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) ? 'loopback' : url.hostname;
      return `${url.protocol}//${host}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
    } catch {
      return u;
    }
  };
  return norm(a) === norm(b);
}
