import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryToolContext, pluginKeys, runTool, type ToolResult } from '@aime/plugin-sdk';
import { createBuiltinPlugin, type BuiltinConfig, type Resolver } from '@aime/plugin-builtin';
import { startServer, toolOf } from './helpers.ts';

let srv: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  srv = await startServer({
    '/hello': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello world'),
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let sent = 0;
      const push = () => {
        while (sent < 4 * 1024 * 1024) {
          sent += 16 * 1024;
          if (!res.write('x'.repeat(16 * 1024))) return void res.once('drain', push);
        }
        res.end();
      };
      push();
    },
    '/slow': () => undefined,
    '/echo': (req, res, body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, headers: req.headers, body })),
    '/to-hello': (_req, res) => res.writeHead(302, { location: '/hello' }).end(),
    '/to-echo-303': (_req, res) => res.writeHead(303, { location: '/echo' }).end(),
    '/to-elsewhere': (_req, res) => res.writeHead(302, { location: 'http://evil.example.com/steal' }).end(),
    '/to-metadata': (_req, res) => res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/to-localhost': (_req, res) => res.writeHead(302, { location: `http://localhost:${srv.port}/echo` }).end(),
  });
});
afterAll(async () => {
  await srv?.close();
});

function plugin(http: NonNullable<BuiltinConfig['http']>, resolve?: Resolver) {
  return createBuiltinPlugin({ http }, resolve ? { resolve } : {});
}

async function get(p: ReturnType<typeof plugin>, url: string, ctx = createMemoryToolContext()): Promise<ToolResult> {
  return runTool(toolOf(p, 'http_get'), { url }, ctx);
}

function failed(result: ToolResult): { toolCode?: string; message: string } {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe('http_get', () => {
  it('fetches a page from an allowlisted host', async () => {
    const result = await get(plugin({ allowHosts: ['127.0.0.1'] }), `${srv.base}/hello`);
    expect(result).toMatchObject({ ok: true, output: { status: 200, body: 'hello world', truncated: false, bytes: 11, contentType: 'text/plain; charset=utf-8', redirects: [] } });
  });

  it('refuses every host while the allowlist is empty, naming the config key', async () => {
    const error = failed(await get(plugin({}), `${srv.base}/hello`));
    expect(error.toolCode).toBe('http_host_not_allowed');
    expect(error.message).toContain('http.allowHosts');
    expect(error.message).toContain('empty');
  });

  it('refuses a host that is not on the allowlist', async () => {
    const error = failed(await get(plugin({ allowHosts: ['api.example.com', '*.example.org'] }), `${srv.base}/hello`));
    expect(error.toolCode).toBe('http_host_not_allowed');
    expect(error.message).toContain('127.0.0.1 is not allowed');
  });

  it('refuses schemes other than http and https', async () => {
    expect(failed(await get(plugin({ allowHosts: ['127.0.0.1'] }), 'file:///etc/passwd')).toolCode).toBe('http_scheme_refused');
  });

  it('refuses a wildcard-allowed name that resolves to a private address', async () => {
    const resolve: Resolver = async () => [{ address: '10.0.0.7', family: 4 }];
    const error = failed(await get(plugin({ allowHosts: ['*.corp.test'] }, resolve), 'http://wiki.corp.test/'));
    expect(error.toolCode).toBe('http_private_address');
    expect(error.message).toContain('10.0.0.7');
  });

  it('refuses an exactly allowlisted name that resolves to loopback (DNS could point anywhere)', async () => {
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const error = failed(await get(plugin({ allowHosts: ['api.test'] }, resolve), `http://api.test:${srv.port}/hello`));
    expect(error.toolCode).toBe('http_private_address');
  });

  it('reaches a private address when the allowlist names that address', async () => {
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const result = await get(plugin({ allowHosts: ['api.test', '127.0.0.1'] }, resolve), `http://api.test:${srv.port}/hello`);
    expect(result).toMatchObject({ ok: true, output: { body: 'hello world' } });
  });

  it('reaches localhost when the allowlist names localhost', async () => {
    const result = await get(plugin({ allowHosts: ['localhost'] }), `http://localhost:${srv.port}/hello`);
    expect(result).toMatchObject({ ok: true, output: { body: 'hello world' } });
  });

  it('cuts a large body at maxBytes and stops downloading', async () => {
    const result = await get(plugin({ allowHosts: ['127.0.0.1'], maxBytes: 1000 }), `${srv.base}/big`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const out = result.output as { body: string; bytes: number; truncated: boolean };
    expect(out.truncated).toBe(true);
    expect(out.bytes).toBe(1000);
    expect(out.body).toHaveLength(1000);
    const until = Date.now() + 5_000;
    while (!srv.aborted.includes('/big') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(srv.aborted).toContain('/big');
  });

  it('stops at the time limit with a retryable timeout naming the config key', async () => {
    const error = failed(await get(plugin({ allowHosts: ['127.0.0.1'], timeoutMs: 200 }), `${srv.base}/slow`));
    expect(error).toMatchObject({ toolCode: 'http_timeout', retryable: true });
    expect(error.message).toContain('http.timeoutMs');
  });

  it('stops when the actor is cancelled', async () => {
    const controller = new AbortController();
    const pending = get(plugin({ allowHosts: ['127.0.0.1'] }), `${srv.base}/slow`, createMemoryToolContext({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('mission cancelled')), 50);
    expect(failed(await pending)).toMatchObject({ message: expect.stringContaining('mission cancelled') });
  });

  it('follows a redirect to an allowlisted host', async () => {
    const result = await get(plugin({ allowHosts: ['127.0.0.1'] }), `${srv.base}/to-hello`);
    expect(result).toMatchObject({ ok: true, output: { body: 'hello world', url: `${srv.base}/hello`, redirects: [`${srv.base}/hello`] } });
  });

  it('refuses a redirect to a host that is not allowlisted', async () => {
    const error = failed(await get(plugin({ allowHosts: ['127.0.0.1'] }), `${srv.base}/to-elsewhere`));
    expect(error.toolCode).toBe('http_host_not_allowed');
    expect(error.message).toContain('redirected to http://evil.example.com/steal');
  });

  it('refuses a redirect to a private address even on an allowlisted wildcard', async () => {
    const error = failed(await get(plugin({ allowHosts: ['127.0.0.1', '*.254'] }), `${srv.base}/to-metadata`));
    expect(error.toolCode).toBe('http_private_address');
    expect(error.message).toContain('169.254.169.254');
  });

  it('gives up after 3 redirects', async () => {
    const error = failed(await get(plugin({ allowHosts: ['127.0.0.1'] }), `${srv.base}/loop`));
    expect(error.toolCode).toBe('http_too_many_redirects');
  });

  it('drops credentials when a redirect changes origin', async () => {
    const p = plugin({ allowHosts: ['127.0.0.1', 'localhost'] });
    const result = await runTool(toolOf(p, 'http_get'), { url: `${srv.base}/to-localhost`, headers: { Authorization: 'Bearer s3cret', 'X-Trace': 't1' } }, createMemoryToolContext());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const echoed = JSON.parse((result.output as { body: string }).body) as { headers: Record<string, string> };
    expect(echoed.headers['x-trace']).toBe('t1');
    expect(echoed.headers).not.toHaveProperty('authorization');
  });

  it('refuses headers that the tool sets itself', async () => {
    const p = plugin({ allowHosts: ['127.0.0.1'] });
    const error = failed(await runTool(toolOf(p, 'http_get'), { url: `${srv.base}/hello`, headers: { Host: 'evil.example.com' } }, createMemoryToolContext()));
    expect(error.toolCode).toBe('http_header_refused');
  });

  it('takes the allowlist from the config setup receives', async () => {
    const p = plugin({});
    await p.setup?.({ redisUrl: '', keyPrefix: '', keys: pluginKeys('', 'builtin'), logger: createMemoryToolContext().logger, config: { http: { allowHosts: ['127.0.0.1'] } } });
    expect(await get(p, `${srv.base}/hello`)).toMatchObject({ ok: true });
  });

  it('fails setup on an invalid config with the field named', async () => {
    const p = plugin({});
    expect(() => p.setup?.({ redisUrl: '', keyPrefix: '', keys: pluginKeys('', 'builtin'), logger: createMemoryToolContext().logger, config: { http: { timeoutMs: 120_000 } } })).toThrow(/http\.timeoutMs/);
  });
});

describe('http_post', () => {
  it('sends the body with an Idempotency-Key that is the step key', async () => {
    const p = plugin({ allowHosts: ['127.0.0.1'] });
    const ctx = createMemoryToolContext({ idempotencyKey: 'step-key-1' });
    const result = await runTool(toolOf(p, 'http_post'), { url: `${srv.base}/echo`, body: '{"a":1}' }, ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const echoed = JSON.parse((result.output as { body: string }).body) as { method: string; body: string; headers: Record<string, string> };
    expect(echoed).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(echoed.headers['idempotency-key']).toBe('step-key-1');
    expect(echoed.headers['content-type']).toBe('application/json');
  });

  it('turns into a GET without the body after a 303', async () => {
    const p = plugin({ allowHosts: ['127.0.0.1'] });
    const result = await runTool(toolOf(p, 'http_post'), { url: `${srv.base}/to-echo-303`, body: 'payload' }, createMemoryToolContext());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.parse((result.output as { body: string }).body)).toMatchObject({ method: 'GET', body: '' });
  });
});
