/** The dashboard's pages, from the URL hash. */
export type Route = { name: 'missions'; query: string } | { name: 'mission'; id: string } | { name: 'approvals' } | { name: 'system' } | { name: 'not-found'; path: string };

/** Parses `#/`, `#/missions/<id>`; anything else is "not found" rather than a blank page. */
export function parseRoute(hash: string): Route {
  const [rawPath = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const path = rawPath || '/';
  if (path === '/' || path === '/missions' || path === '/missions/') return { name: 'missions', query };
  if (path === '/approvals' || path === '/approvals/') return { name: 'approvals' };
  if (query) return { name: 'not-found', path: `${path}?${query}` };
  if (path === '/system' || path === '/system/') return { name: 'system' };
  const m = /^\/missions\/([^/?#]+)\/?$/.exec(path);
  if (m?.[1]) {
    try {
      return { name: 'mission', id: decodeURIComponent(m[1]) };
    } catch {
      return { name: 'not-found', path };
    }
  }
  return { name: 'not-found', path };
}

export function missionHref(id: string): string {
  return `#/missions/${encodeURIComponent(id)}`;
}
