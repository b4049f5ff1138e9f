import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateOperatorToken } from '../src/api/index.ts';
import { createMission, KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** One real HTTP request with exactly these headers (fetch would not let a test set Host). */
function raw(base: string, o: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(o.path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

const hostOf = (base: string) => new URL(base).host;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('open mode (no API keys)', () => {
  it('refuses loopback clients without the generated operator token and serves them with it', async () => {
    const token = generateOperatorToken();
    h = await startApi({ apiKeys: undefined, operatorToken: token });
    const none = await h.call('/v1/missions');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/dashboard URL printed at start/);
    expect((await h.call('/v1/missions', { key: generateOperatorToken() })).status).toBe(401);
    expect((await h.call('/v1/missions', { key: token })).status).toBe(200);
    expect((await h.call('/metrics', { key: token })).status).toBe(200);
  });
});

describe('cross-site requests', () => {
  it('refuses a cross-origin form-style POST to cancel (text/plain, foreign Origin) and leaves the mission untouched', async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.operator);
    const before = await h.store.readEvents(id);
    const base = h.base;
    const forms = [
      // What a page can send without a CORS preflight.
      { headers: { 'content-type': 'text/plain', origin: 'http://evil.example', ...bearer(KEYS.operator) }, body: 'x', status: 403 },
      { headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer(KEYS.operator) }, body: 'a=b', status: 415 },
      { headers: { 'content-type': 'text/plain', ...bearer(KEYS.operator) }, body: '', status: 415 },
      // No body and no content type at all (fetch with mode no-cors).
      { headers: { origin: 'http://evil.example', ...bearer(KEYS.operator) }, status: 403 },
      { headers: { ...bearer(KEYS.operator) }, status: 415 },
      { headers: { 'content-type': 'application/json', origin: 'null', ...bearer(KEYS.operator) }, body: '{}', status: 403 },
    ];
    for (const f of forms) {
      const res = await raw(base, { method: 'POST', path: `/v1/missions/${id}/cancel`, headers: f.headers, ...(f.body !== undefined ? { body: f.body } : {}) });
      expect({ status: res.status, sent: f.headers }).toEqual({ status: f.status, sent: f.headers });
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: f.status === 403 ? 'forbidden_origin' : 'unsupported_media_type' } });
    }
    expect((await h.store.getMission(id))?.status).toBe('queued');
    expect(await h.store.readEvents(id)).toEqual(before);
    // The dashboard's own origin, with JSON, is served.
    const own = await raw(base, { method: 'POST', path: `/v1/missions/${id}/cancel`, headers: { 'content-type': 'application/json', origin: base, ...bearer(KEYS.operator) } });
    expect(own.status).toBe(202);
  });

  it('refuses a DNS-rebinding Host with 403 on the API, the probes and the dashboard, even with a valid key', async () => {
    h = await startApi();
    for (const path of ['/v1/missions', '/healthz', '/', '/openapi.json']) {
      const res = await raw(h.base, { path, headers: { host: `evil.example:${new URL(h.base).port}`, ...bearer(KEYS.operator) } });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'forbidden_host' } });
    }
    const port = new URL(h.base).port;
    for (const host of [hostOf(h.base), `localhost:${port}`]) {
      expect((await raw(h.base, { path: '/v1/missions', headers: { host, ...bearer(KEYS.operator) } })).status).toBe(200);
    }
    // The right name on another port is another origin too.
    expect((await raw(h.base, { path: '/healthz', headers: { host: 'localhost:1' } })).status).toBe(403);
  });

  it('serves the hosts of AIME_ALLOWED_HOSTS', async () => {
    h = await startApi({ web: { allowedHosts: ['aime.example.com', 'other.example:8443'] } });
    expect((await raw(h.base, { path: '/healthz', headers: { host: 'aime.example.com' } })).status).toBe(200);
    expect((await raw(h.base, { path: '/healthz', headers: { host: 'other.example:8443' } })).status).toBe(200);
    expect((await raw(h.base, { path: '/healthz', headers: { host: 'other.example:9000' } })).status).toBe(403);
  });

  it('keeps CORS off by default and allows only the origins of AIME_CORS_ORIGINS', async () => {
    h = await startApi();
    const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' };
    const off = await raw(h.base, { method: 'OPTIONS', path: '/v1/missions', headers: { origin: 'https://app.example', ...preflight } });
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
    await h.close();

    h = await startApi({ web: { corsOrigins: ['https://app.example'] } });
    const on = await raw(h.base, { method: 'OPTIONS', path: '/v1/missions', headers: { origin: 'https://app.example', ...preflight } });
    expect(on.headers['access-control-allow-origin']).toBe('https://app.example');
    const other = await raw(h.base, { method: 'OPTIONS', path: '/v1/missions', headers: { origin: 'https://evil.example', ...preflight } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const created = await raw(h.base, {
      method: 'POST',
      path: '/v1/missions',
      headers: { origin: 'https://app.example', 'content-type': 'application/json', ...bearer(KEYS.operator) },
      body: JSON.stringify({ goal: 'plan a trip' }),
    });
    expect(created.status).toBe(202);
  });
});

describe('security headers', () => {
  it('sends CSP without remote images, frame-ancestors none, nosniff and no-referrer on the dashboard and the API', async () => {
    dir = await mkdtemp(join(tmpdir(), 'aime-dash-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    h = await startApi({ dashboardDir: dir });
    for (const path of ['/', '/v1/missions', '/v1/nothing']) {
      const res = await h.call(path, { key: KEYS.operator });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("img-src 'self' data:;");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('adds the image sources of AIME_CSP_IMG_SRC', async () => {
    h = await startApi({ web: { cspImgSrc: ['https://images.example'] } });
    const res = await h.call('/healthz');
    expect(res.headers.get('content-security-policy')).toContain("img-src 'self' data: https://images.example");
  });
});

describe('failed authentication', () => {
  it('answers 429 with Retry-After after 20 wrong keys from one address, then even to a right key', async () => {
    h = await startApi();
    for (let i = 0; i < 20; i++) expect((await h.call('/v1/missions', { key: `wrong-key-${i}-0123456789` })).status).toBe(401);
    const limited = await h.call('/v1/missions', { key: 'wrong-key-21-0123456789' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await h.call('/v1/missions', { key: KEYS.operator })).status).toBe(429);
    // Another address is not affected.
    const elsewhere = await h.app.inject({ method: 'GET', url: '/v1/missions', remoteAddress: '10.0.0.7', headers: bearer(KEYS.operator) });
    expect(elsewhere.statusCode).toBe(200);
  });
});
