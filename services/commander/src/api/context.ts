import type { FastifyRequest } from 'fastify';
import type { MissionStore, MissionRecord } from '@aime/store';
import { canAccess, type Principal } from './auth.ts';
import { ApiError, notFound } from './errors.ts';

// A WeakMap instead of a request decorator keeps fastify's global types untouched
// for the rest of the monorepo.
const principals = new WeakMap<FastifyRequest, Principal>();

export { canAccess };

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request, principal);
}

/** The authenticated principal of a request that passed the auth hook. */
export function principalOfRequest(request: FastifyRequest): Principal {
  const p = principals.get(request);
  if (!p) throw new ApiError(401, 'unauthorized', 'not authenticated');
  return p;
}

/**
 * Loads a mission the principal may access. Another caller's mission answers 404, not
 * 403, so callers cannot probe which mission ids exist.
 */
export async function loadMission(store: MissionStore, who: Principal, id: string): Promise<MissionRecord> {
  const record = await store.getMission(id);
  if (!record || !canAccess(who, record)) throw notFound(`mission ${id}`);
  return record;
}
