import { z } from 'zod';
import { MODEL_ROLES, parseModelSpec } from '@aime/models';
import { CreateMissionRequest, CreateMissionResponse, Id, ListMissionsQuery, ListMissionsResponse, Mission, MissionCountsResponse, type ModelInfo } from '@aime/protocol';
import { ApiError } from './errors.ts';
import { resolveBudget } from '@aime/core';
import { loadMission, principalOfRequest } from './context.ts';
import { bearer, errorResponses, missionView, type RouteContext, type ZodApp } from './route-context.ts';

const tags = ['missions'];

/**
 * The models a new mission runs with: the server's, with the caller's override where the
 * operator allows it. @throws ApiError 400 `model_not_allowed` naming the field and what is allowed.
 */
function missionModels(defaults: ModelInfo, allowed: string[], override: CreateMissionRequest['model']): ModelInfo {
  if (override === undefined) return defaults;
  const wanted = typeof override === 'string' ? { planner: override, factory: override, actor: override } : override;
  const out: ModelInfo = { ...defaults };
  for (const role of MODEL_ROLES) {
    const text = wanted[role];
    if (text === undefined) continue;
    let spec: string;
    try {
      spec = parseModelSpec(text, `model.${role}`).spec;
    } catch (err) {
      throw new ApiError(400, 'validation_failed', (err as Error).message, [{ path: typeof override === 'string' ? 'model' : `model.${role}`, message: (err as Error).message }]);
    }
    if (spec !== defaults[role] && !allowed.includes(spec)) {
      const field = typeof override === 'string' ? 'model' : `model.${role}`;
      const message = allowed.length
        ? `${field}: '${spec}' is not allowed on this server; allowed: ${allowed.join(', ')}`
        : `${field}: this server allows no model override (the operator sets AIME_ALLOWED_MODELS)`;
      throw new ApiError(400, 'model_not_allowed', message, [{ path: field, message }]);
    }
    out[role] = spec;
  }
  out.simulated = MODEL_ROLES.some((r) => out[r] === 'sim' || out[r].startsWith('sim:'));
  return out;
}
export const MissionParams = z.object({ id: Id });

/** `POST /v1/missions`, `GET /v1/missions`, `GET /v1/missions/:id`. */
export function registerMissionRoutes(app: ZodApp, ctx: RouteContext): void {
  const { store } = ctx.deps;

  app.post(
    '/missions',
    { schema: { tags, security: bearer, summary: 'Submit a goal', body: CreateMissionRequest, response: { 202: CreateMissionResponse, ...errorResponses } } },
    async (request, reply) => {
      const who = principalOfRequest(request);
      const { goal, context, metadata } = request.body;
      const model = missionModels(ctx.deps.modelInfo, ctx.deps.allowedModels ?? [], request.body.model);
      // Ceilings and caps are checked before anything is written, so a refusal leaves Redis as it was.
      const { missionId, release } = await ctx.limits.admitMission(request, who.principal, request.body.budget);
      const budget = resolveBudget(request.body.budget, ctx.limits.config.budgetCeilings);
      let mission;
      try {
        ({ mission } = await store.createMission({ id: missionId, goal, model, budget, context, metadata, owner: who.principal }));
      } catch (err) {
        await release().catch(() => undefined);
        throw err;
      }
      ctx.metrics.missionsCreated.inc();
      request.log.info({ missionId: mission.id, principal: who.principal }, 'mission created');
      await ctx.wake(mission.id, 'created');
      return reply.code(202).send({ id: mission.id, status: mission.status, createdAt: mission.createdAt });
    },
  );

  app.get(
    '/missions',
    { schema: { tags, security: bearer, summary: 'List missions, newest first', querystring: ListMissionsQuery, response: { 200: ListMissionsResponse, ...errorResponses } } },
    async (request) => {
      const who = principalOfRequest(request);
      const { status, limit, cursor } = request.query;
      const page = await store.listMissions({ status, limit, cursor, owner: who.role === 'caller' ? who.principal : undefined });
      const items = await Promise.all(page.items.map(async (record) => store.summarize(record, await store.readGraph(record.id))));
      return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
    },
  );

  app.get(
    '/missions/counts',
    { schema: { tags, security: bearer, summary: 'How many missions there are, in all and per status', response: { 200: MissionCountsResponse, ...errorResponses } } },
    async (request) => {
      const who = principalOfRequest(request);
      if (!store.countMissions) return { total: 0, byStatus: {} };
      return store.countMissions(who.role === 'caller' ? { owner: who.principal } : {});
    },
  );

  app.get(
    '/missions/:id',
    { schema: { tags, security: bearer, summary: 'Read a mission with its tasks', params: MissionParams, response: { 200: Mission, ...errorResponses } } },
    async (request) => {
      const record = await loadMission(store, principalOfRequest(request), request.params.id);
      return missionView(store, record);
    },
  );
}
