import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths the SPA fallback must never answer with index.html. */
const API_PREFIXES = ['/v1/', '/socket.io/'];
const API_PATHS = new Set(['/v1', '/metrics', '/healthz', '/readyz', '/openapi.json']);

/** True when `dir` holds a built dashboard. */
export function hasDashboard(dir: string | null | undefined): dir is string {
  if (!dir) return false;
  try {
    return statSync(dir).isDirectory() && existsSync(join(dir, 'index.html'));
  } catch {
    return false;
  }
}

/** Serves the built dashboard at `/` (no auth: it holds no data; the data needs a key). */
export async function registerDashboard(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: true, index: 'index.html' });
}

/**
 * Whether a not-found request should get the SPA's index.html: a GET for a client-side
 * route, not an API path nor a missing asset (a missing `.js` must stay a 404).
 */
export function isSpaRoute(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '/';
  if (API_PATHS.has(path) || API_PREFIXES.some((p) => path.startsWith(p))) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/** Answers with the dashboard's index.html (fresh on each deploy, so not cached). */
export function sendSpaIndex(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
