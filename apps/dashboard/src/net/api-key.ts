const STORAGE_KEY = 'aime.apiKey';
/** The operator token that came in the URL fragment: kept for this tab only. */
const SESSION_KEY = 'aime.token';
const listeners = new Set<() => void>();

function storage(kind: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window[kind];
  } catch {
    // Storage can throw when cookies are blocked; the key then lives for the page only.
    return undefined;
  }
}

/**
 * Takes the operator token out of a `#token=<t>` fragment (the URL `npm start` prints),
 * stores it for this tab and removes it from the address bar and history, so it is not
 * bookmarked, shared or shown. A fragment is never sent to a server.
 */
export function takeTokenFromFragment(): string | undefined {
  if (typeof window === 'undefined') return undefined;
  const match = /^#token=([^&]+)$/.exec(window.location.hash);
  if (!match?.[1]) return undefined;
  let token: string;
  try {
    token = decodeURIComponent(match[1]).trim();
  } catch {
    return undefined;
  }
  storage('sessionStorage')?.setItem(SESSION_KEY, token);
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#/`);
  return token;
}

// A token in the fragment is the freshest (a restarted server prints a new one).
let memory: string = takeTokenFromFragment() ?? storage('sessionStorage')?.getItem(SESSION_KEY) ?? storage('localStorage')?.getItem(STORAGE_KEY) ?? '';

// The printed URL pasted into a tab that already shows the dashboard is only a fragment
// change: take the token and reload, so every query and the socket start over with it.
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    if (takeTokenFromFragment() !== undefined) window.location.reload();
  });
}

/** The key sent to the server: the tab's operator token, else the key entered in the header, else ''. */
export function getApiKey(): string {
  return memory;
}

/**
 * Stores a key entered by hand (localStorage, as before) and tells subscribers (the socket
 * reconnects with it). It replaces the tab's operator token; clearing forgets both.
 */
export function setApiKey(key: string): void {
  const k = key.trim();
  if (k === memory) return;
  memory = k;
  storage('sessionStorage')?.removeItem(SESSION_KEY);
  const s = storage('localStorage');
  if (k) s?.setItem(STORAGE_KEY, k);
  else s?.removeItem(STORAGE_KEY);
  for (const l of listeners) l();
}

export function subscribeApiKey(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
