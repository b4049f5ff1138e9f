import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';
import { refuseRequest, type WebGuard } from './web-guard.ts';

/**
 * The browser-facing protections of every response, registered before any route:
 * security headers (helmet), CORS only for configured origins, and the Host / Origin /
 * content-type check that stops DNS rebinding and cross-site requests before a body is read.
 */
export async function registerWebSecurity(app: FastifyInstance, guard: WebGuard): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // Component libraries (the task graph) set inline styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // No remote images: an answer's image URL would send data past the http tool's allowlist.
        imgSrc: ["'self'", 'data:', ...guard.cspImgSrc],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Served over plain HTTP on loopback by default: HSTS belongs to the TLS proxy in front.
    strictTransportSecurity: false,
  });
  if (guard.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: guard.corsOrigins,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'accept', 'last-event-id'],
      maxAge: 600,
    });
  }
  app.addHook('onRequest', async (request) => {
    const refusal = refuseRequest(guard, { method: request.method, headers: request.headers }, request.raw.socket);
    if (refusal) throw new ApiError(refusal.status, refusal.code, refusal.message);
  });
}
