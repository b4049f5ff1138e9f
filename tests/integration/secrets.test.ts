import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { startAll, type AllInOneHandle } from '@aime/aime';
import { modelsConfigFromEnv } from '@aime/models';
import travel from '@aime/plugin-travel';
import type { Event, Mission } from '@aime/protocol';
import { createLogger } from '@aime/service';
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer, type SimServerHandle } from '@aime/sim';
import { deleteKeys } from '@aime/testing';
import { REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL } from '../helpers/stack.ts';

/**
 * A key planted everywhere a secret can enter: the mission context (named and inside text),
 * the model endpoint's API key, and a model error that echoes the Authorization header back.
 * Then every event, every log line, every prompt the model received and every API answer is
 * searched for it; and the dashboard bundle, built here with the key in the environment.
 */
const KEY = 'sk-test-PLANTED-1234567890abcdef';
const OPERATOR = `op-${randomUUID()}-${randomUUID()}`;
/** A goal with this marker gets a 401 that quotes the request's Authorization header. */
const FAIL_MARKER = 'ECHO-AUTH-FAULT';

let sim: SimServerHandle;
let proxy: Server;
let proxyUrl: string;
const bodies: string[] = [];
const logLines: string[] = [];
let app: AllInOneHandle;
let prefix: string;

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  sim = await startSimServer({ worlds: [travelWorld] });
  // In front of the sim: records what the model receives, and answers the marked goal the way a
  // careless provider does, with the caller's credential in the error text.
  proxy = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      bodies.push(body);
      if (body.includes(FAIL_MARKER)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization ?? ''}`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      const upstream = await fetch(`${sim.url.replace(/\/v1$/, '')}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': 'application/json' },
        ...(req.method === 'POST' ? { body } : {}),
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(await upstream.text());
    })().catch((err: unknown) => {
      res.writeHead(502);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const addr = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1`;

  prefix = `test-${randomUUID()}:`;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  app = await startAll({
    redisUrl: REDIS_URL,
    prefix,
    port: 0,
    dashboardDir: null,
    apiKeys: `${OPERATOR}:operator`,
    plugins: [travel],
    logger: createLogger({ level: 'debug' }, sink),
    models: modelsConfigFromEnv({ AIME_MODEL: 'openai:gpt-4o-mini', OPENAI_API_KEY: KEY, OPENAI_BASE_URL: proxyUrl, AIME_MODEL_MAX_RETRIES: '0' }),
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await deleteKeys(prefix);
  await new Promise((resolve) => proxy?.close(resolve));
  await sim?.close();
});

async function api<T>(path: string, body?: unknown): Promise<{ status: number; text: string; json: T }> {
  const res = await fetch(`${app.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${OPERATOR}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as T };
}

async function finished(id: string): Promise<Mission> {
  for (let i = 0; i < 600; i++) {
    const { json } = await api<Mission>(`/v1/missions/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(json.status)) return json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mission ${id} did not finish`);
}

describe('a planted key never leaves its place', () => {
  const missions: string[] = [];

  it('a mission with the key in its context and its model endpoint runs, and the API shows the context redacted', async () => {
    const context = { ...REFERENCE_CONTEXT, apiKey: KEY, notes: `our agency key is ${KEY}`, nested: [{ password: KEY }] };
    const created = await api<{ id: string }>('/v1/missions', { goal: REFERENCE_GOAL, context });
    expect(created.status).toBe(202);
    missions.push(created.json.id);
    const mission = await finished(created.json.id);
    expect(mission.status).toBe('succeeded');
    const shown = await api<Mission>(`/v1/missions/${created.json.id}`);
    expect(shown.text).not.toContain(KEY);
    expect(shown.json.context).toMatchObject({ tripBudget: REFERENCE_CONTEXT.tripBudget, apiKey: '[redacted]', notes: 'our agency key is [redacted]', nested: [{ password: '[redacted]' }] });
  });

  it('a model error that quotes the Authorization header fails the mission with the key scrubbed from its message', async () => {
    const created = await api<{ id: string }>('/v1/missions', { goal: `Plan a day in Kyoto ${FAIL_MARKER}` });
    missions.push(created.json.id);
    const mission = await finished(created.json.id);
    expect(mission.status).toBe('failed');
    expect(mission.error?.code).toBe('planner_unavailable');
    expect(mission.error?.message).toContain('Incorrect API key provided: Bearer [redacted]');
    expect(JSON.stringify(mission)).not.toContain(KEY);
  });

  it('no event, API answer, prompt or log line of those missions holds the key', async () => {
    expect(missions).toHaveLength(2);
    for (const id of missions) {
      const events: Event[] = await app.commander.store.readEvents(id, { limit: 100_000 });
      expect(events.length).toBeGreaterThan(0);
      expect(events.find((e) => e.type === 'mission.created')).toBeDefined();
      for (const e of events) expect(JSON.stringify(e)).not.toContain(KEY);
      expect((await api(`/v1/missions/${id}/events?limit=1000`)).text).not.toContain(KEY);
      expect((await api(`/v1/missions/${id}/approvals`)).text).not.toContain(KEY);
    }
    expect((await api('/v1/missions')).text).not.toContain(KEY);
    // The prompts really went through the proxy, with the key only in the Authorization header.
    expect(bodies.length).toBeGreaterThan(3);
    expect(bodies.some((b) => b.includes('tripBudget'))).toBe(true);
    for (const b of bodies) expect(b).not.toContain(KEY);
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toContain(KEY);
  });

  it('the dashboard bundle built with the key in the environment does not hold it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'aime-dash-'));
    const saved = { a: process.env.OPENAI_API_KEY, b: process.env.VITE_OPENAI_API_KEY };
    process.env.OPENAI_API_KEY = KEY;
    process.env.VITE_OPENAI_API_KEY = KEY;
    try {
      await build({ root: fileURLToPath(new URL('../../apps/dashboard/', import.meta.url)), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
      const files = await readdir(out, { recursive: true, withFileTypes: true });
      const texts = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
      expect(texts.length).toBeGreaterThan(0);
      for (const t of texts) expect(t).not.toContain(KEY);
    } finally {
      if (saved.a === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved.a;
      if (saved.b === undefined) delete process.env.VITE_OPENAI_API_KEY;
      else process.env.VITE_OPENAI_API_KEY = saved.b;
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});
