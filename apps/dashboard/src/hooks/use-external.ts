import { useEffect, useState, useSyncExternalStore } from 'react';
import { getApiKey, subscribeApiKey } from '../net/api-key.ts';
import { getConnectionInfo, getSocket, subscribeConnection } from '../net/socket.ts';
import type { ConnectionInfo } from '../net/socket.ts';
import { parseRoute } from '../lib/route.ts';
import type { Route } from '../lib/route.ts';

/** The socket's connection state; creating the socket on first use. */
export function useConnection(): ConnectionInfo {
  getSocket();
  return useSyncExternalStore(subscribeConnection, getConnectionInfo);
}

export function useApiKey(): string {
  return useSyncExternalStore(subscribeApiKey, getApiKey);
}

function subscribeHash(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

/** The current page, from `location.hash` (no router library is needed for two pages). */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
  return parseRoute(hash);
}

/** The current time, re-rendering every `ms` while `active` (for elapsed-time counters). */
export function useNow(ms: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, active]);
  return now;
}

/** Whether a CSS media query matches, following changes (phone vs desktop layouts). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (cb) => {
      const m = window.matchMedia(query);
      m.addEventListener('change', cb);
      return () => m.removeEventListener('change', cb);
    },
    () => window.matchMedia(query).matches,
  );
}
