import type { IncomingMessage } from 'node:http';

/**
 * Which browsers' requests the server serves: the `Host` names it answers to (against DNS
 * rebinding) and the `Origin`s that may change state (against cross-site requests).
 */
export interface WebSecurityOptions {
  /** The address the server listens on; a name or IP (not a wildcard) is an allowed host. @default '127.0.0.1' */
  listenHost?: string;
  /**
   * More allowed `Host`s (`AIME_ALLOWED_HOSTS`), e.g. `aime.example.com` (any port) or
   * `aime.example.com:8443`. `localhost`, `127.0.0.1`, `[::1]`, the listen host and the
   * IP a connection arrived on are always allowed, with the server's port.
   */
  allowedHosts?: string[];
  /** Origins allowed cross-origin (`AIME_CORS_ORIGINS`); CORS is off when empty. @default [] */
  corsOrigins?: string[];
  /** More `img-src` sources for the CSP (`AIME_CSP_IMG_SRC`), besides `'self' data:`. @default [] */
  cspImgSrc?: string[];
}

/** The methods that change state: they need a JSON body type and, with an `Origin`, an allowed one. */
export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const DEFAULT_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** A `host[:port]` split into a lower-case host name (IPv6 in brackets) and a port; null when malformed. */
export function splitHost(value: string): { name: string; port: number | null } | null {
  if (value === '' || /[\s/?#@\\]/.test(value)) return null;
  try {
    const url = new URL(`http://${value}`);
    return { name: url.hostname.toLowerCase(), port: url.port === '' ? (/:\d+$/.test(value) ? 80 : null) : Number(url.port) };
  } catch {
    return null;
  }
}

/** The part of a connection the host check needs: the local port and address it arrived on. */
export interface LocalEnd {
  localPort?: number | undefined;
  localAddress?: string | undefined;
}

/** A compiled {@link WebSecurityOptions}: pure checks, shared by the HTTP API and socket.io. */
export interface WebGuard {
  /** Whether a `Host` header names this server (against DNS rebinding). */
  hostAllowed(host: string | undefined, local: LocalEnd): boolean;
  /** Whether an `Origin` header is this server's own origin or a configured CORS origin. */
  originAllowed(origin: string, local: LocalEnd): boolean;
  corsOrigins: string[];
  cspImgSrc: string[];
}

const normalAddress = (a: string): string => {
  const plain = a.startsWith('::ffff:') ? a.slice('::ffff:'.length) : a;
  return plain.includes(':') ? `[${plain.toLowerCase()}]` : plain;
};

/** Compiles the options once; throws a clear message for an entry that is not a host or origin. */
export function createWebGuard(opts: WebSecurityOptions = {}): WebGuard {
  const names = new Set(DEFAULT_NAMES);
  const listen = opts.listenHost ?? '127.0.0.1';
  if (!['0.0.0.0', '::', '[::]', ''].includes(listen)) names.add(normalAddress(listen).toLowerCase());
  // Configured hosts: without a port any port, with one exactly that port.
  const anyPort = new Set<string>();
  const exact = new Set<string>();
  for (const entry of opts.allowedHosts ?? []) {
    const parsed = splitHost(entry.trim());
    if (!parsed) throw new Error(`AIME_ALLOWED_HOSTS entry "${entry.slice(0, 60)}" is not a host name or host:port`);
    if (parsed.port === null) anyPort.add(parsed.name);
    else exact.add(`${parsed.name}:${parsed.port}`);
  }
  const corsOrigins = (opts.corsOrigins ?? []).map((o) => {
    try {
      const url = new URL(o.trim());
      if (url.origin === 'null') throw new Error('opaque');
      return url.origin;
    } catch {
      throw new Error(`AIME_CORS_ORIGINS entry "${o.slice(0, 60)}" is not an origin like https://app.example.com`);
    }
  });

  const hostAllowed = (host: string | undefined, local: LocalEnd): boolean => {
    if (!host) return false;
    const parsed = splitHost(host);
    if (!parsed) return false;
    const port = parsed.port ?? 80;
    if (anyPort.has(parsed.name) || exact.has(`${parsed.name}:${port}`)) return true;
    if (local.localPort !== undefined && port !== local.localPort) return false;
    // An IP literal equal to the address the connection arrived on cannot be a rebound name.
    return names.has(parsed.name) || (local.localAddress !== undefined && parsed.name === normalAddress(local.localAddress));
  };

  return {
    hostAllowed,
    originAllowed(origin, local) {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false;
      }
      if (url.origin === 'null' || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
      return corsOrigins.includes(url.origin) || hostAllowed(url.host, local);
    },
    corsOrigins,
    cspImgSrc: (opts.cspImgSrc ?? []).map((s) => s.trim()).filter((s) => s !== ''),
  };
}

/** Why a browser request is refused, or null when it may go on. Runs before any body is read. */
export function refuseRequest(
  guard: WebGuard,
  req: { method: string; headers: IncomingMessage['headers'] },
  local: LocalEnd,
): { status: 403 | 415; code: string; message: string } | null {
  if (!guard.hostAllowed(req.headers.host, local)) {
    return { status: 403, code: 'forbidden_host', message: 'this Host is not served here: add it to AIME_ALLOWED_HOSTS if it is yours' };
  }
  if (!STATE_CHANGING.has(req.method)) return null;
  const origin = req.headers.origin;
  if (origin !== undefined && !guard.originAllowed(origin, local)) {
    return { status: 403, code: 'forbidden_origin', message: 'cross-origin requests may not change state: add the origin to AIME_CORS_ORIGINS if it is yours' };
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return { status: 415, code: 'unsupported_media_type', message: 'state-changing requests need "content-type: application/json" (an empty body is fine)' };
  }
  return null;
}
