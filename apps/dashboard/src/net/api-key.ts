const STORAGE_KEY = 'aime.apiKey';
const listeners = new Set<() => void>();

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    // Storage can throw when cookies are blocked; the key then lives for the page only.
    return undefined;
  }
}

let memory: string = storage()?.getItem(STORAGE_KEY) ?? '';

/** The API key the operator entered, or '' when none (loopback servers need none). */
export function getApiKey(): string {
  return memory;
}

/** Stores the key in localStorage and tells subscribers (the socket reconnects with it). */
export function setApiKey(key: string): void {
  const k = key.trim();
  if (k === memory) return;
  memory = k;
  const s = storage();
  if (k) s?.setItem(STORAGE_KEY, k);
  else s?.removeItem(STORAGE_KEY);
  for (const l of listeners) l();
}

export function subscribeApiKey(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
