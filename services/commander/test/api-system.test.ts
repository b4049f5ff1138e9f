import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMission, KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('probes', () => {
  it('healthz answers ok without a key', async () => {
    h = await startApi();
    const res = await h.call('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('readyz is 200 when every check passes and 503 with the checks otherwise', async () => {
    let workers = true;
    h = await startApi({ readiness: async () => ({ redis: true, workers }) });
    const ready = await h.call('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { redis: true, workers: true } });
    workers = false;
    const notReady = await h.call('/readyz');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ok: false, checks: { redis: true, workers: false } });
  });

  it('readyz is 503 when the readiness check itself throws', async () => {
    h = await startApi({
      readiness: async () => {
        throw new Error('redis down');
      },
    });
    expect((await h.call('/readyz')).status).toBe(503);
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with request, duration, mission and default metrics', async () => {
    h = await startApi();
    await createMission(h, KEYS.operator);
    await h.call('/v1/missions', { key: KEYS.operator });
    const res = await h.call('/metrics', { key: KEYS.operator });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/aime_http_requests_total\{route="\/v1\/missions",method="POST",status="202"\} 1/);
    expect(text).toMatch(/aime_http_requests_total\{route="\/v1\/missions",method="GET",status="200"\} 1/);
    expect(text).toContain('aime_http_request_duration_seconds_bucket');
    expect(text).toMatch(/aime_missions_created_total 1/);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain(KEYS.operator);
  });
});

describe('GET /v1/tools', () => {
  it('lists the bundles advertised by live workers', async () => {
    h = await startApi();
    const empty = await h.call('/v1/tools', { key: KEYS.alice });
    expect(await empty.json()).toEqual({ bundles: [] });
    await h.store.advertiseWorker(
      {
        workerId: 'w1',
        queue: 'aime-actors',
        startedAt: new Date().toISOString(),
        bundles: [{ name: 'weather', description: 'forecasts', tools: [{ name: 'forecast', description: 'd', inputSchema: {}, sideEffects: 'none', requiresApproval: false }], workers: 1 }],
      },
      60_000,
    );
    const res = (await (await h.call('/v1/tools', { key: KEYS.alice })).json()) as { bundles: Array<{ name: string; workers: number }> };
    expect(res.bundles.map((b) => [b.name, b.workers])).toEqual([['weather', 1]]);
  });
});

/**
 * The routes of docs/API.md's endpoint table, as OpenAPI writes them: "`POST /v1/missions/:id/pause`,
 * `/resume`" is two routes (a sibling replaces the last segment), `:id` is `{id}`.
 */
function documentedRoutes(): string[] {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/API.md'), 'utf8');
  const out: string[] = [];
  for (const line of doc.split('\n')) {
    const cell = /^\| (`(?:GET|POST|PUT|PATCH|DELETE) [^|]*)\|/.exec(line)?.[1];
    if (!cell) continue;
    let method = '';
    let path = '';
    for (const [, item] of cell.matchAll(/`([^`]+)`/g)) {
      const full = /^(GET|POST|PUT|PATCH|DELETE) (\S+)$/.exec(item!);
      if (full) [, method, path] = full as unknown as [string, string, string];
      else if (item!.startsWith('/')) path = path.replace(/\/[^/]+$/, item!);
      else continue;
      out.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return out.sort();
}

describe('GET /openapi.json', () => {
  it('documents every public route', async () => {
    h = await startApi();
    const res = await h.call('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    // Every route the server has is in the public contract's endpoint table (docs/API.md), and nothing more.
    expect(routes.sort()).toEqual(documentedRoutes());
    // The body is the named component CreateMissionRequestInput (openapi-components.ts).
    const create = (doc as unknown as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } }).components.schemas.CreateMissionRequestInput;
    expect(Object.keys(create?.properties ?? {})).toEqual(expect.arrayContaining(['goal', 'budget', 'context', 'metadata']));
  });
});

describe('dashboard', () => {
  function builtDashboard(): string {
    dir = mkdtempSync(join(tmpdir(), 'aime-dash-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Aime</title>');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("aime")');
    return dir;
  }

  it('serves files and falls back to index.html for client routes, but not for API paths or missing assets', async () => {
    h = await startApi({ dashboardDir: builtDashboard() });
    const root = await h.call('/');
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<title>Aime</title>');
    expect(await (await h.call('/assets/app.js')).text()).toContain('console.log');
    const spa = await h.call('/missions/abc');
    expect(spa.status).toBe(200);
    expect(await spa.text()).toContain('<title>Aime</title>');
    expect((await h.call('/assets/missing.js')).status).toBe(404);
    const api = await h.call('/v1/unknown', { key: KEYS.operator });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await h.call('/v1/missions')).status).toBe(401);
  });

  it('serves no dashboard when the folder does not exist', async () => {
    h = await startApi({ dashboardDir: join(tmpdir(), 'aime-no-such-dashboard') });
    expect((await h.call('/')).status).toBe(404);
  });
});
