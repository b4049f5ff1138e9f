/**
 * OpenTelemetry traces of one mission across separate processes: the commander, the actor
 * factory and an actor worker run as their own entry points with OTEL_EXPORTER_OTLP_ENDPOINT
 * pointing at an OTLP/HTTP receiver started by this test, which decodes what they export (OTLP
 * JSON). One mission is one trace: mission → planner step → factory build → actor → model call /
 * tool call, with the GenAI attributes and token counts that add up to the mission's usage.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { travelWorld } from '@aime/plugin-travel/sim';
import type { Mission } from '@aime/protocol';
import { startSimServer } from '@aime/sim';
import { deleteKeys } from '@aime/testing';
import { freePort } from '../helpers/redis-server.ts';
import { killAll, launchMain, until } from '../helpers/spawn-main.ts';
import { REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL } from '../helpers/stack.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await killAll();
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Array<{ key: string; value: OtlpValue }>;
}
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  attrs: Record<string, string | number | boolean | undefined>;
}

const valueOf = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));

/** A minimal OTLP/HTTP trace receiver: POST /v1/traces with an OTLP JSON body. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const doc = JSON.parse(body.toString('utf8')) as { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const rs of doc.resourceSpans) {
        const service = String(valueOf(rs.resource.attributes.find((a) => a.key === 'service.name')!.value));
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              attrs: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, server };
}

describe('traces of a mission across processes', () => {
  it('exports one trace per mission over OTLP/HTTP with the full span tree, GenAI attributes and token counts', { timeout: 180_000 }, async () => {
    const receiver = await startReceiver();
    cleanups.push(() => new Promise((r) => receiver.server.close(() => r())));
    const prefix = `test-${randomUUID()}:`;
    cleanups.push(() => deleteKeys(prefix));
    const sim = await startSimServer({ port: 0, worlds: [travelWorld] });
    cleanups.push(() => sim.close());
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const key = randomBytes(24).toString('base64url');
    const env = { REDIS_URL, AIME_PREFIX: prefix, AIME_MODEL: 'sim', AIME_SIM_URL: sim.url, AIME_PORT: String(port), AIME_API_KEYS: `${key}:operator`, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    const procs = [launchMain('services/commander/src/main.ts', env), launchMain('services/actor-factory/src/main.ts', env), launchMain('services/actors/src/main.ts', env)];
    await until('the commander', async () => (await fetch(`${url}/healthz`)).ok);
    await until('an actor worker', () => procs[2]!.logged('actor worker running').length > 0);

    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/v1/missions`, { method: 'POST', headers, body: JSON.stringify({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT }) });
    const { id } = (await created.json()) as { id: string };
    const mission = await until(
      'the mission to finish',
      async () => {
        const m = (await (await fetch(`${url}/v1/missions/${id}`, { headers })).json()) as Mission;
        return ['succeeded', 'failed', 'cancelled'].includes(m.status) ? m : undefined;
      },
      120_000,
    );
    expect(mission.status).toBe('succeeded');
    // A drain exports what each process still buffers.
    for (const p of procs) p.child.kill('SIGTERM');
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0]);

    const mine = receiver.spans.filter((s) => s.attrs['aime.mission.id'] === id);
    const root = mine.find((s) => s.name === 'mission');
    expect(root).toBeDefined();
    // One trace: every span of the mission, from every process, shares the root's trace id.
    expect(new Set(mine.map((s) => s.traceId))).toEqual(new Set([root!.traceId]));
    expect(new Set(mine.map((s) => s.service))).toEqual(new Set(['aime-commander', 'aime-actor-factory', 'aime-actors']));
    expect(root!.parentSpanId).toBeUndefined();
    expect(root!.attrs['aime.mission.status']).toBe('succeeded');

    const byId = new Map(mine.map((s) => [s.spanId, s]));
    const parentName = (s: ReceivedSpan) => (s.parentSpanId ? byId.get(s.parentSpanId)?.name : undefined);
    const named = (prefix: string) => mine.filter((s) => s.name.startsWith(prefix));
    expect(named('planner.step').length).toBeGreaterThan(1);
    for (const s of named('planner.step')) expect(parentName(s)).toBe('mission');
    expect(named('factory.build').length).toBe(mission.usage.actors);
    for (const s of named('factory.build')) expect(parentName(s)).toBe('planner.step');
    expect(named('actor.run').length).toBeGreaterThanOrEqual(mission.usage.actors);
    for (const s of named('actor.run')) expect(parentName(s)).toBe('factory.build');
    const tools = named('execute_tool ');
    expect(tools.map((s) => s.attrs['gen_ai.tool.name'])).toContain('book_train');
    for (const s of tools) expect(parentName(s)).toBe('actor.run');

    // Model calls: a GenAI span under the work that made it, for each role; tokens add up to the mission's usage.
    const chats = named('chat ');
    const roles = new Map<string, string>([['planner', 'planner.step'], ['factory', 'factory.build'], ['actor', 'actor.run']]);
    for (const s of chats) {
      expect(s.attrs).toMatchObject({ 'gen_ai.system': 'sim', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'sim' });
      expect(parentName(s)).toBe(roles.get(String(s.attrs['aime.model.role'])));
    }
    expect(new Set(chats.map((s) => s.attrs['aime.model.role']))).toEqual(new Set(roles.keys()));
    const sum = (k: string) => chats.reduce((n, s) => n + Number(s.attrs[k] ?? 0), 0);
    expect(sum('gen_ai.usage.input_tokens')).toBe(mission.usage.promptTokens);
    expect(sum('gen_ai.usage.output_tokens')).toBe(mission.usage.completionTokens);
    expect(sum('gen_ai.usage.input_tokens')).toBeGreaterThan(0);
  });
});
