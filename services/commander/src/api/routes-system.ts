import { z } from 'zod';
import { ListToolsResponse } from '@aime/protocol';
import { bearer, errorResponses, type RouteContext, type ZodApp } from './route-context.ts';

const ReadyResponse = z.object({ ok: z.boolean(), checks: z.record(z.string(), z.boolean()) });

/** `GET /healthz` and `GET /readyz`: no auth, for load balancers and orchestrators. */
export function registerProbeRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get('/healthz', { schema: { tags: ['system'], summary: 'Liveness', response: { 200: z.object({ ok: z.literal(true) }) } } }, async () => ({ ok: true as const }));

  app.get(
    '/readyz',
    { schema: { tags: ['system'], summary: 'Readiness: 200 when every check passes, else 503 with the checks', response: { 200: ReadyResponse, 503: ReadyResponse } } },
    async (request, reply) => {
      let checks: Record<string, boolean>;
      try {
        checks = await ctx.deps.readiness();
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        checks = { readiness: false };
      }
      const ok = Object.values(checks).every(Boolean);
      return reply.code(ok ? 200 : 503).send({ ok, checks });
    },
  );
}

/** `GET /v1/tools` (any role). */
export function registerToolRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/tools',
    { schema: { tags: ['tools'], security: bearer, summary: 'Tool bundles that live workers can serve', response: { 200: ListToolsResponse, ...errorResponses } } },
    async () => ({ bundles: await ctx.deps.store.listBundles() }),
  );
}

/** `GET /metrics` (operators only). */
export function registerMetricsRoute(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/metrics',
    {
      schema: { tags: ['system'], security: bearer, summary: 'Prometheus metrics (operator)', response: { 200: z.string(), ...errorResponses } },
      // Prometheus text goes out as is, not as a JSON string.
      serializerCompiler: () => (data) => (typeof data === 'string' ? data : JSON.stringify(data)),
    },
    async (_request, reply) => {
      const { registry } = ctx.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
