import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { applyAnswerFault, decide } from './answer.ts';
import { completionBody, completionId, streamChunks, toWireAnswer, usageOf, type WireAnswer } from './completion.ts';
import { SimOptionsError, SimRequestError, openAIError } from './errors.ts';
import { FaultPlanner, numberParam, type Fault, type FaultOptions } from './faults.ts';
import type { SimPolicy, SimRequest } from './policy.ts';
import { quirkRejection, shapeAnswer, shapeUsage } from './quirk-answer.ts';
import { parseQuirkOption, resolveQuirks, type QuirkKind } from './quirks.ts';
import { parseChatRequest } from './request.ts';
import { deliverStructured, normaliseStructured } from './structured.ts';
import { registeredWorlds, validateWorld, worldPolicies, type SimWorld } from './world.ts';

/** Options of {@link startSimServer}. */
export interface SimServerOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a random free port) */
  port?: number;
  /**
   * Tried in order; the first that matches answers (else the fallback). Given, it replaces the
   * worlds. @default one policy per role answering with `worlds`
   */
  policies?: SimPolicy[];
  /**
   * The demo worlds that play the runtime's planner, factory and actors (see `SimWorld`).
   * @default the worlds registered with `registerWorld`, read at each request
   */
  worlds?: SimWorld[];
  /** Fault injection by rate (seeded) or script; header and marker faults always work. */
  faults?: FaultOptions;
  /**
   * Provider quirks applied to every request, e.g. `['fenced', 'length;limit=40']` (see
   * `QUIRK_KINDS`). Requests add their own with the `x-sim-quirk` header, a
   * `[[sim-quirk:<list>]]` marker or a `/quirks/<list>/v1` base URL. @default []
   */
  quirks?: string[];
  /** Extra delay before every answer, in ms. @default 0 */
  latencyMs?: number;
  /** Fastify's request log. @default false */
  logger?: boolean;
  /**
   * Called after each answer with the policy that answered and the time the sim spent on the
   * request (arrival to reply, including `latencyMs`), e.g. for a benchmark that subtracts
   * model time. Not called for rejected or faulted requests.
   */
  onAnswer?: (info: SimAnswerTiming) => void;
}

/** What `onAnswer` is told of one answered request. */
export interface SimAnswerTiming {
  policy: string;
  req: SimRequest;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
  /** Milliseconds from arrival to the reply being handed to the socket. */
  ms: number;
}

export interface SimServerStats {
  /** Chat-completion requests received (including rejected and faulted ones). */
  requests: number;
  /** Answers per policy name (`fallback` when none matched). */
  byPolicy: Record<string, number>;
  /** Injected faults per kind. */
  faults: Record<string, number>;
  /**
   * Quirks per kind that changed an answer (or rejected a request). Absent until a quirk
   * applies, so stats of a server without quirks read as before quirks existed.
   */
  quirks?: Record<string, number>;
}

export interface SimServerHandle {
  /** Base URL ending in `/v1`, ready for an OpenAI client's `baseURL`. */
  url: string;
  port: number;
  /** Stops listening and drops open connections, including hanging ones. */
  close(): Promise<void>;
  stats(): SimServerStats;
}

const DEFAULT_FAULT_LATENCY_MS = 1000;
const DEFAULT_RETRY_AFTER_S = 1;
/** Simulated model ids listed by `GET /v1/models`; any model name is accepted on requests. */
export const SIM_MODEL_IDS = ['sim', 'sim-planner', 'sim-factory', 'sim-actor'] as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function validateOptions(opts: SimServerOptions): void {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SimOptionsError(`port must be an integer in 0..65535, got ${String(opts.port)}`);
  const latency = opts.latencyMs ?? 0;
  if (!Number.isFinite(latency) || latency < 0) throw new SimOptionsError(`latencyMs must be a non-negative number, got ${String(opts.latencyMs)}`);
  for (const p of opts.policies ?? []) {
    if (typeof p?.name !== 'string' || typeof p.matches !== 'function' || typeof p.answer !== 'function') {
      throw new SimOptionsError('every policy needs a name, matches(req) and answer(req)');
    }
  }
  const names = new Set<string>();
  for (const w of opts.worlds ?? []) {
    validateWorld(w);
    if (names.has(w.name)) throw new SimOptionsError(`two sim worlds are named '${w.name}'`);
    names.add(w.name);
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the simulated OpenAI-compatible model server: `POST /v1/chat/completions`,
 * `GET /v1/models`, `GET /healthz`. Answers are deterministic functions of the request;
 * faults come from the `x-sim-fault` header, a `[[sim-fault:<kind>]]` marker in the last
 * user/system message, `faults.script`, or `faults.rate`. Provider quirks (`QUIRK_KINDS`) come
 * from the `quirks` option, a `/quirks/<list>/v1` base URL, a `[[sim-quirk:<list>]]` marker
 * and the `x-sim-quirk` header, all together. A structured ask in any output mode (see
 * `normaliseStructured`) reaches policies as a `json_schema` request.
 * @throws SimOptionsError on invalid options, before listening.
 */
export async function startSimServer(opts: SimServerOptions = {}): Promise<SimServerHandle> {
  validateOptions(opts);
  const host = opts.host ?? '127.0.0.1';
  const worlds = opts.worlds;
  const policies = opts.policies ?? worldPolicies(worlds ? () => worlds : registeredWorlds);
  const planner = new FaultPlanner(opts.faults);
  const serverQuirks = parseQuirkOption(opts.quirks);
  const latencyMs = opts.latencyMs ?? 0;
  const stats: SimServerStats = { requests: 0, byPolicy: {}, faults: {} };
  const quirkCounts: Record<string, number> = {};
  const countQuirks = (kinds: QuirkKind[]) => {
    for (const k of kinds) quirkCounts[k] = (quirkCounts[k] ?? 0) + 1;
  };
  const hijacked = new Set<ServerResponse>();

  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 32 * 1024 * 1024, forceCloseConnections: true });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof SimRequestError) return reply.code(400).send(openAIError(err.message, 'invalid_request_error', err.param, null));
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Body parser errors (bad JSON, wrong content type, too large): keep OpenAI's shape.
      return reply.code(status).send(openAIError(err.message, 'invalid_request_error', null, err.code ?? null));
    }
    app.log.error(err);
    return reply.code(500).send(openAIError(`The simulated model failed: ${err.message}`, 'server_error', null, null));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(openAIError(`Unknown request URL: ${req.method} ${req.url}.`, 'invalid_request_error', null, 'unknown_url')),
  );

  app.get('/healthz', async () => ({ ok: true, simulated: true }));
  const models = async () => ({
    object: 'list',
    data: SIM_MODEL_IDS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'aime-sim' })),
  });
  app.get('/v1/models', models);
  app.get('/quirks/:list/v1/models', models);

  const completions = async (request: FastifyRequest<{ Params: { list?: string } }>, reply: FastifyReply) => {
    const receivedAt = Date.now();
    const started = performance.now();
    stats.requests += 1;
    const { req: sent, stream, includeUsage, maxTokens } = parseChatRequest(request.body);
    const quirkHeader = request.headers['x-sim-quirk'];
    const quirks = resolveQuirks({
      option: serverQuirks,
      path: request.params.list,
      header: Array.isArray(quirkHeader) ? quirkHeader.join(',') : quirkHeader,
      req: sent,
    });
    // A provider refuses what it does not support before any model runs.
    const rejection = quirkRejection(quirks, sent, stream);
    if (rejection) {
      countQuirks([rejection.kind]);
      return reply.code(400).send(rejection.body);
    }
    const { req, structured } = normaliseStructured(sent);

    const header = request.headers['x-sim-fault'];
    const fault = planner.next(Array.isArray(header) ? header[0] : header, sent);
    if (fault) stats.faults[fault.kind] = (stats.faults[fault.kind] ?? 0) + 1;

    if (latencyMs > 0) await sleep(latencyMs);
    if (fault?.kind === 'latency') await sleep(numberParam(fault, 'ms', DEFAULT_FAULT_LATENCY_MS));
    if (fault?.kind === 'rate_limit') {
      // `retry-after=none` sends no header: some providers do that, and clients must cope.
      if (fault.params['retry-after'] !== 'none') reply.header('retry-after', String(numberParam(fault, 'retry-after', DEFAULT_RETRY_AFTER_S)));
      return reply
        .code(429)
        .send(openAIError(`Rate limit reached for simulated model ${req.model} (simulated fault).`, 'requests', null, 'rate_limit_exceeded'));
    }
    if (fault?.kind === 'server_error') {
      return reply.code(500).send(openAIError('The server had an error while processing your request (simulated fault).', 'server_error', null, null));
    }
    if (fault?.kind === 'hang') return hang(reply);

    const decided = decide(req, policies);
    stats.byPolicy[decided.policy] = (stats.byPolicy[decided.policy] ?? 0) + 1;
    let wire: WireAnswer = toWireAnswer(sent, deliverStructured(decided.answer, structured));
    const jsonAnswer = (structured !== undefined && structured.mode !== 'tool') || sent.response_format?.type === 'json_object';
    const shaped = shapeAnswer(quirks, wire, { jsonAnswer, maxTokens });
    wire = shaped.wire;
    countQuirks(shaped.applied);
    if (fault?.kind === 'bad_tool_args' || fault?.kind === 'unknown_tool') wire = applyAnswerFault(fault.kind, sent, wire);

    if (opts.onAnswer) {
      const onAnswer = opts.onAnswer;
      reply.raw.once('finish', () => onAnswer({ policy: decided.policy, req, receivedAt, ms: performance.now() - started }));
    }
    const id = completionId(request.body);
    const withDetails = shapeUsage(quirks, usageOf(sent, wire));
    const usage = withDetails.usage;
    if (!stream || includeUsage) countQuirks(withDetails.applied);
    if (stream) return sendStream(reply, streamChunks(id, req.model, wire, includeUsage ? usage : undefined), fault);
    if (fault?.kind === 'malformed_json') {
      return reply.code(200).header('content-type', 'application/json').send(malformed(JSON.stringify(completionBody(id, req.model, wire, usage))));
    }
    return reply.code(200).send(completionBody(id, req.model, wire, usage));
  };
  app.post('/v1/chat/completions', completions);
  // A per-role base URL (`/quirks/<list>/v1`) gives one role a provider's quirks on a shared server.
  app.post('/quirks/:list/v1/chat/completions', completions);

  /** Holds the request open until the client gives up (or the server closes). */
  async function hang(reply: FastifyReply): Promise<void> {
    reply.hijack();
    const raw = reply.raw;
    hijacked.add(raw);
    await new Promise<void>((resolve) => raw.once('close', () => resolve()));
    hijacked.delete(raw);
  }

  function sendStream(reply: FastifyReply, chunks: Array<Record<string, unknown>>, fault: Fault | undefined): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    chunks.forEach((c, i) => {
      const text = JSON.stringify(c);
      // The fault hits the second chunk: the client has started consuming when it breaks.
      raw.write(`data: ${fault?.kind === 'malformed_json' && i === 1 ? malformed(text) : text}\n\n`);
    });
    raw.end('data: [DONE]\n\n');
  }

  await app.listen({ host, port: opts.port ?? 0 });
  const port = (app.server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}/v1`,
    port,
    close() {
      closing ??= (async () => {
        for (const raw of hijacked) raw.destroy();
        await app.close();
      })();
      return closing;
    },
    stats: () => ({
      requests: stats.requests,
      byPolicy: { ...stats.byPolicy },
      faults: { ...stats.faults },
      ...(Object.keys(quirkCounts).length > 0 ? { quirks: { ...quirkCounts } } : {}),
    }),
  };
}

/** Truncates JSON text so it cannot parse. */
function malformed(json: string): string {
  return `${json.slice(0, Math.max(1, Math.floor(json.length / 2)))}<<simulated malformed json`;
}
