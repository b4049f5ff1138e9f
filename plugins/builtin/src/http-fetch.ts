import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { ToolError } from '@aime/plugin-sdk';
import { isPrivateAddress, matchHost, normalizeHost } from './host-policy.ts';

/** Resolves a host name to its addresses (injectable so tests need no DNS). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** The limits `safeFetch` enforces. */
export interface FetchPolicy {
  allowHosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  /** @default dns.lookup with all addresses */
  resolve?: Resolver;
}

/** One HTTP request as the tools describe it. */
export interface FetchRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What a tool returns: the body as text, cut at `maxBytes`. */
export interface FetchResult {
  url: string;
  status: number;
  statusText: string;
  contentType?: string;
  headers: Record<string, string>;
  body: string;
  bytes: number;
  truncated: boolean;
  redirects: string[];
}

export const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers the tools set themselves; letting the model set them would let it lie about framing or host. */
export const FORBIDDEN_HEADERS = ['host', 'content-length', 'transfer-encoding', 'connection', 'accept-encoding', 'upgrade', 'te', 'trailer', 'keep-alive', 'proxy-authorization'];
/** Dropped when a redirect leaves the origin, as browsers do. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie'];
const KEPT_RESPONSE_HEADERS = ['content-type', 'content-length', 'last-modified', 'etag', 'cache-control', 'location', 'retry-after', 'date'];
const USER_AGENT = 'aime-runtime/0.1 (builtin http tool)';
const CONFIG_KEY = 'http.allowHosts in the builtin plugin config (aime.config.json)';

const defaultResolve: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * A private address is reachable only when the allowlist names that very address
 * (`127.0.0.1`, `10.0.0.5`), or names `localhost` and the address is loopback. A host name
 * matched by the allowlist is not enough: its DNS could point anywhere (rebinding).
 */
export function privateAllowed(address: string, host: string, allowHosts: readonly string[]): boolean {
  const addr = normalizeHost(address);
  const entries = allowHosts.map((h) => normalizeHost(h.trim()));
  if (entries.includes(addr)) return true;
  const loopback = addr === '::1' || addr.startsWith('127.') || addr === '::ffff:127.0.0.1';
  return loopback && normalizeHost(host) === 'localhost' && entries.includes('localhost');
}

function refusedHost(host: string, allowHosts: readonly string[], via: string): ToolError {
  if (allowHosts.length === 0) {
    return new ToolError('http_host_not_allowed', `${via}${host} is not allowed: the http allowlist is empty, so no host may be reached. An operator must list the host in ${CONFIG_KEY}.`);
  }
  return new ToolError('http_host_not_allowed', `${via}${host} is not allowed: it is not in ${CONFIG_KEY} (allowed: ${allowHosts.join(', ')}).`);
}

function refusedAddress(host: string, address: string, via: string): ToolError {
  return new ToolError(
    'http_private_address',
    `${via}${host} resolves to ${address}, a private or loopback address, which the http tools do not reach unless ${CONFIG_KEY} lists that address itself.`,
  );
}

/** Checks the scheme and host of one hop; returns the parsed URL. */
function checkUrl(raw: string, allowHosts: readonly string[], via: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolError('http_invalid_url', `${via}${JSON.stringify(raw)} is not a valid absolute URL such as https://example.com/path`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError('http_scheme_refused', `${via}only http and https URLs are allowed, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ToolError('http_invalid_url', `${via}URLs with credentials (user:password@) are refused; credentials would end up in logs`);
  }
  const host = normalizeHost(url.hostname);
  if (matchHost(host, allowHosts) === 'none') throw refusedHost(host, allowHosts, via);
  if (isIP(host) !== 0 && isPrivateAddress(host) && !privateAllowed(host, host, allowHosts)) throw refusedAddress(host, host, via);
  return url;
}

/** A `lookup` for http.request that refuses private answers, so the checked address is the connected one. */
function guardedLookup(host: string, policy: FetchPolicy, via: string): LookupFunction {
  const resolve = policy.resolve ?? defaultResolve;
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        const addrs = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        const bad = addrs.find((a) => isPrivateAddress(a.address) && !privateAllowed(a.address, host, policy.allowHosts));
        if (bad) return callback(refusedAddress(host, bad.address, via) as unknown as NodeJS.ErrnoException, '', 0);
        const first = addrs[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return (callback as unknown as (e: null, a: typeof addrs) => void)(null, addrs);
        return callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

function send(url: URL, req: FetchRequest, headers: Record<string, string>, lookup: LookupFunction, signal: AbortSignal): Promise<IncomingMessage> {
  const options: RequestOptions = { method: req.method, headers, lookup, signal };
  const doRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = doRequest(url, options, resolve);
    r.once('error', reject);
    r.end(req.body);
  });
}

/** Reads at most `maxBytes` of the body, then stops the download. */
async function readCapped(res: IncomingMessage, maxBytes: number): Promise<{ data: Buffer; bytes: number; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      size += room;
      res.destroy();
      return { data: Buffer.concat(chunks), bytes: size, truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { data: Buffer.concat(chunks), bytes: size, truncated: false };
}

function responseHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_RESPONSE_HEADERS) {
    const v = res.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

/**
 * One HTTP exchange under the policy: http/https only, allowlisted hosts only, private
 * addresses refused (checked at connect time), redirects followed by hand (at most 3, each
 * hop checked again), body cut at `maxBytes`, the whole exchange bounded by `timeoutMs`.
 * @throws ToolError with codes `http_*`
 */
export async function safeFetch(req: FetchRequest, policy: FetchPolicy, signal: AbortSignal): Promise<FetchResult> {
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  const redirects: string[] = [];
  let current: FetchRequest = req;
  let headers: Record<string, string> = { 'user-agent': USER_AGENT, ...lowerKeys(req.headers), 'accept-encoding': 'identity' };
  let origin: string | undefined;
  let via = '';
  for (;;) {
    const url = checkUrl(current.url, policy.allowHosts, via);
    if (origin !== undefined && url.origin !== origin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
    origin = url.origin;
    const host = normalizeHost(url.hostname);
    let res: IncomingMessage;
    try {
      res = await send(url, current, headers, guardedLookup(host, policy, via), combined);
    } catch (err) {
      throw translate(err, current, policy, signal, timeout);
    }
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode ?? 0) && typeof location === 'string') {
      res.resume();
      if (redirects.length >= MAX_REDIRECTS) {
        throw new ToolError('http_too_many_redirects', `${req.url} redirected more than ${MAX_REDIRECTS} times (last to ${location}); not followed further`);
      }
      const next = new URL(location, url).toString();
      redirects.push(next);
      via = `${url.toString()} redirected to ${next}, but `;
      const toGet = res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && current.method === 'POST');
      if (toGet) {
        const { 'content-type': _type, ...rest } = headers;
        headers = rest;
        current = { method: 'GET', url: next, headers: current.headers };
      } else {
        current = { ...current, url: next };
      }
      continue;
    }
    try {
      const { data, bytes, truncated } = await readCapped(res, policy.maxBytes);
      const contentType = res.headers['content-type'];
      return {
        url: url.toString(),
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        ...(contentType ? { contentType } : {}),
        headers: responseHeaders(res),
        body: new TextDecoder('utf-8').decode(data),
        bytes,
        truncated,
        redirects,
      };
    } catch (err) {
      throw translate(err, current, policy, signal, timeout);
    }
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function translate(err: unknown, req: FetchRequest, policy: FetchPolicy, signal: AbortSignal, timeout: AbortSignal): unknown {
  if (err instanceof ToolError) return err;
  if (signal.aborted) return signal.reason ?? err;
  if (timeout.aborted) {
    return new ToolError('http_timeout', `${req.method} ${req.url} did not finish within ${policy.timeoutMs} ms (the limit is http.timeoutMs in the builtin plugin config)`, { retryable: true });
  }
  const e = err as NodeJS.ErrnoException;
  return new ToolError('http_failed', `${req.method} ${req.url} failed: ${e.code ? `${e.code} ` : ''}${e.message}`, { retryable: true, cause: err });
}
