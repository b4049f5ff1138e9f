import { AimeClient } from '@aime/client';
import { readLocalServer, sameServer, localTokenPath } from '@aime/aime/local-token';
import { UsageError } from './usage-error.ts';

export const DEFAULT_URL = 'http://127.0.0.1:7400';

/** The server a command talks to, and where its key came from (for error hints). */
export interface Target {
  url: string;
  apiKey?: string;
  keySource: 'AIME_API_KEY' | 'local token' | 'none';
}

/**
 * `--url`, else `AIME_URL`, else the server `aime up` runs on this machine, else
 * http://127.0.0.1:7400. The key: `AIME_API_KEY`, else the token `aime up` wrote, but only
 * for that same server (a local token is never sent anywhere else).
 */
export function resolveTarget(flagUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): Target {
  const local = readLocalServer(localTokenPath(env));
  const url = (flagUrl ?? env.AIME_URL?.trim() ?? '') || local?.url || DEFAULT_URL;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--url / AIME_URL must be an http(s) URL like ${DEFAULT_URL}, got '${url}'`);
  }
  const key = env.AIME_API_KEY?.trim();
  if (key) return { url, apiKey: key, keySource: 'AIME_API_KEY' };
  if (local && sameServer(local.url, url)) return { url, apiKey: local.token, keySource: 'local token' };
  return { url, keySource: 'none' };
}

export function clientFor(target: Target): AimeClient {
  return new AimeClient({ url: target.url, ...(target.apiKey ? { apiKey: target.apiKey } : {}) });
}
