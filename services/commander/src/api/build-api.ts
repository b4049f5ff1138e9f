import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { authenticate, bearerToken } from './auth.ts';
import { setPrincipal } from './context.ts';
import { hasDashboard, isSpaRoute, registerDashboard, sendSpaIndex } from './dashboard.ts';
import { ApiError, toErrorReply } from './errors.ts';
import { createApiMetrics } from './metrics.ts';
import { openApiTransforms } from './openapi-components.ts';
import { assertJsonDepth, DEFAULT_API_LIMITS } from './limits.ts';
import { registerLimits } from './register-limits.ts';
import { createWebGuard } from './web-guard.ts';
import { registerWebSecurity } from './web-security.ts';
import type { RouteContext } from './route-context.ts';
import { registerActorRoutes } from './routes-actors.ts';
import { registerApprovalRoutes } from './routes-approvals.ts';
import { registerLedgerRoutes } from './routes-ledger.ts';
import { registerControlRoutes } from './routes-control.ts';
import { registerEventRoutes } from './routes-events.ts';
import { registerMissionRoutes } from './routes-missions.ts';
import { registerMetricsRoute, registerProbeRoutes, registerSystemRoutes, registerToolRoutes } from './routes-system.ts';
import type { ApiDeps } from './types.ts';

const DEFAULT_BODY_LIMIT = 1_048_576;

/**
 * Builds the commander's HTTP API (API.md v1), not yet listening: the caller calls
 * `listen` and owns `close`. Closing aborts open SSE streams.
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const logger = deps.logger.child({ component: 'api' });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    // The socket address decides loopback access; trusting X-Forwarded-For would let anyone claim 127.0.0.1.
    trustProxy: false,
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON only (anything else is a 415), but an empty JSON body counts as no body so that
  // clients that always send `content-type: application/json` can POST /pause.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    // Before parsing: a deep body must be refused by a scan, not by a recursion that overflows.
    try {
      assertJsonDepth(text, deps.limits?.maxJsonDepth ?? DEFAULT_API_LIMITS.maxJsonDepth);
    } catch (err) {
      return done(err as Error, undefined);
    }
    parseJson(request, text, done);
  });

  const metrics = createApiMetrics(deps.metrics);
  app.addHook('onResponse', async (request, reply) => {
    const labels = { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const answer = toErrorReply(error);
    if (answer.unexpected) request.log.error({ err: error }, 'request failed');
    if (answer.headers) void reply.headers(answer.headers);
    return reply.code(answer.statusCode).send(answer.body);
  });

  // Before every route: security headers, CORS, and the Host/Origin/content-type check.
  await registerWebSecurity(app, createWebGuard(deps.web));

  const dashboard = hasDashboard(deps.dashboardDir) ? deps.dashboardDir : null;
  app.setNotFoundHandler((request, reply) => {
    if (dashboard && isSpaRoute(request)) return sendSpaIndex(reply);
    const path = request.url.split('?')[0] ?? '';
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${path}` } });
  });

  const shutdown = new AbortController();
  const streams = new Set<Promise<void>>();
  app.addHook('preClose', async () => {
    shutdown.abort();
    await Promise.allSettled([...streams]);
  });

  const limits = await registerLimits(app, deps, metrics);
  const ctx: RouteContext = {
    deps,
    metrics,
    limits,
    shutdown: shutdown.signal,
    streams,
    wake: async (missionId, reason) => {
      try {
        await deps.wake(missionId, reason);
      } catch (err) {
        // The inbox item is stored, so the reaper's periodic wake-up still reaches the planner.
        logger.error({ err, missionId, reason }, 'waking the planner failed');
      }
    },
  };

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Aime Runtime API', version: '1.0.0', description: 'Adaptive multi-agent orchestration runtime: missions, events, controls, approvals.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An AIME_API_KEYS key, or the operator token printed at start' } } },
    },
    // The protocol's schemas as named components with `$ref`s to them (openapi-components.ts).
    ...openApiTransforms(),
  });

  const guard = (need: 'any' | 'operator') => async (request: FastifyRequest, reply: FastifyReply) => {
    const result = authenticate(deps.auth, bearerToken(request.headers.authorization), request.ip);
    if (!result.ok && result.status === 429) {
      throw new ApiError(429, 'rate_limited', result.message, undefined, { 'retry-after': String(result.retryAfterSeconds ?? 60) });
    }
    if (!result.ok) throw new ApiError(401, 'unauthorized', result.message, undefined, { 'www-authenticate': 'Bearer' });
    if (need === 'operator' && result.role !== 'operator') throw new ApiError(403, 'forbidden', 'this needs an operator key');
    await limits.rate.request(request, reply, result.principal);
    setPrincipal(request, { role: result.role, principal: result.principal });
  };

  const zapp = app.withTypeProvider<ZodTypeProvider>();
  registerProbeRoutes(zapp, ctx);
  zapp.get('/openapi.json', { schema: { tags: ['system'], summary: 'This OpenAPI document' } }, async () => app.swagger());

  await app.register(async (v1) => {
    v1.addHook('onRequest', guard('any'));
    const z1 = v1.withTypeProvider<ZodTypeProvider>();
    registerMissionRoutes(z1, ctx);
    registerEventRoutes(z1, ctx);
    registerControlRoutes(z1, ctx);
    registerApprovalRoutes(z1, ctx);
    registerLedgerRoutes(z1, ctx);
    registerActorRoutes(z1, ctx);
    registerToolRoutes(z1, ctx);
  }, { prefix: '/v1' });

  await app.register(async (ops) => {
    ops.addHook('onRequest', guard('operator'));
    registerMetricsRoute(ops.withTypeProvider<ZodTypeProvider>(), ctx);
    registerSystemRoutes(ops.withTypeProvider<ZodTypeProvider>(), ctx);
  });

  if (dashboard) await registerDashboard(app, dashboard);
  else if (deps.dashboardDir) logger.warn({ dashboardDir: deps.dashboardDir }, 'dashboard folder has no index.html: not serving the dashboard');
  return app;
}
