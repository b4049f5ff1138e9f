import { createHash } from 'node:crypto';
import type { Role } from '@aime/protocol';

/** Who is calling, as far as authorization is concerned. Never holds the raw key. */
export interface Principal {
  role: Role;
  /** `k_` + the first 12 hex digits of sha256(key); `local` for loopback clients in open mode. */
  principal: string;
}

/**
 * The API keys the server accepts. `open` is true when no key is configured: then only
 * loopback clients are served, as operator.
 */
export interface AuthConfig {
  keys: Map<string /* key */, { role: 'caller' | 'operator'; principal: string }>;
  open: boolean;
}

/** A configuration error of `AIME_API_KEYS`. The message never contains a key. */
export class ApiKeysError extends Error {
  readonly code = 'invalid_api_keys';
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeysError';
  }
}

/** The principal of an open (no keys) server's loopback clients. */
export const LOOPBACK_PRINCIPAL = 'local';

/** A stable, non-reversible name for a key, safe to store and log. */
export function principalOf(key: string): string {
  return 'k_' + createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * Parses `AIME_API_KEYS` ("key:role,key:role"; role `caller` or `operator`).
 * Empty or unset means open mode. Throws {@link ApiKeysError} (code `invalid_api_keys`)
 * with a message that names the entry by position, never by its key.
 */
export function parseApiKeys(value: string | undefined): AuthConfig {
  const keys: AuthConfig['keys'] = new Map();
  const raw = (value ?? '').trim();
  if (raw === '') return { keys, open: true };
  const entries = raw.split(',');
  entries.forEach((entry, index) => {
    const position = `AIME_API_KEYS entry ${index + 1} of ${entries.length}`;
    const trimmed = entry.trim();
    if (trimmed === '') {
      throw new ApiKeysError(`${position} is empty: remove the stray comma (format "key:role,key:role")`);
    }
    // The role is after the last colon so keys may themselves contain colons.
    const colon = trimmed.lastIndexOf(':');
    if (colon < 0) {
      throw new ApiKeysError(`${position} has no role: write it as "<key>:caller" or "<key>:operator"`);
    }
    const key = trimmed.slice(0, colon).trim();
    const role = trimmed.slice(colon + 1).trim();
    if (key === '') throw new ApiKeysError(`${position} has an empty key: write it as "<key>:${role || 'caller'}"`);
    if (/\s/.test(key)) throw new ApiKeysError(`${position}: keys may not contain whitespace`);
    if (role !== 'caller' && role !== 'operator') {
      throw new ApiKeysError(`${position} has role "${role.slice(0, 20)}": the role must be "caller" or "operator"`);
    }
    if (keys.has(key)) throw new ApiKeysError(`${position} repeats an earlier key: each key may appear once`);
    keys.set(key, { role, principal: principalOf(key) });
  });
  return { keys, open: false };
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return a === '::1' || a.startsWith('127.');
}

/** Why authentication failed; maps to 401. */
export type AuthFailure = { ok: false; message: string };

/**
 * Authenticates one client by its bearer key (or, in open mode, by its address).
 * Shared by the HTTP API and the socket.io gateway so both follow the same rules.
 */
export function authenticate(auth: AuthConfig, token: string | undefined, remoteAddress: string | undefined): ({ ok: true } & Principal) | AuthFailure {
  if (auth.open) {
    if (isLoopback(remoteAddress)) return { ok: true, role: 'operator', principal: LOOPBACK_PRINCIPAL };
    return { ok: false, message: 'no API keys are configured, so only loopback clients are accepted: set AIME_API_KEYS to allow remote clients' };
  }
  if (!token) return { ok: false, message: 'missing API key: send "Authorization: Bearer <key>"' };
  const found = auth.keys.get(token);
  if (!found) return { ok: false, message: 'unknown API key' };
  return { ok: true, role: found.role, principal: found.principal };
}

/** Extracts the key of an `Authorization: Bearer <key>` header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/** Whether `who` may see and steer a mission: operators all, callers only their own. */
export function canAccess(who: Principal, mission: { owner?: string | undefined }): boolean {
  return who.role === 'operator' || (mission.owner !== undefined && mission.owner === who.principal);
}
