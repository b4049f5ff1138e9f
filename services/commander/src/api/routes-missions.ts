import { z } from 'zod';
import { MODEL_ROLES, parseModelSpec } from '@aime/models';
import { CreateMissionRequest, CreateMissionResponse, Id, ListMissionsQuery, ListMissionsResponse, Mission, MissionCountsResponse, MissionTotalsQuery, MissionTotalsResponse, type ModelInfo } from '@aime/protocol';
import type { MissionRecord } from '@aime/store';
import { ApiError } from './errors.ts';
import { resolveBudget } from '@aime/core';
import { loadMission, principalOfRequest } from './context.ts';
import { bearer, errorResponses, missionView, type RouteContext, type ZodApp } from './route-context.ts';
import { missionTotals, needsScan, offsetCursor, queryMissions, readOffsetCursor, scanMissions } from './mission-query.ts';

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

  const summaries = (records: MissionRecord[]) => Promise.all(records.map(async (record) => store.summarize(record, await store.readGraph(record.id))));

  app.get(
    '/missions',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'List missions: newest first, or sorted and searched over the most recent 5,000 of the filter',
        querystring: ListMissionsQuery,
        response: { 200: ListMissionsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const who = principalOfRequest(request);
      const { status, limit, cursor } = request.query;
      const owner = who.role === 'caller' ? who.principal : undefined;
      if (!needsScan(request.query)) {
        const page = await store.listMissions({ status, limit, cursor, owner });
        const items = await summaries(page.items);
        return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
      }
      // Another order or a search: a bounded scan of the filtered index, sorted here; the page
      // is an offset into that order (records are read without their graphs, only the page's are).
      const offset = readOffsetCursor(cursor);
      const { records, truncated } = await scanMissions(store, { owner, status });
      const ordered = queryMissions(records, request.query, Date.now());
      const items = await summaries(ordered.slice(offset, offset + limit));
      const next = offset + limit < ordered.length ? { nextCursor: offsetCursor(offset + limit) } : {};
      return { items, ...next, ...(truncated ? { truncated } : {}) };
    },
  );

  app.get(
    '/missions/totals',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'How many missions match a filter and search, and their tokens and cost together (the most recent 5,000 at most)',
        querystring: MissionTotalsQuery,
        response: { 200: MissionTotalsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const who = principalOfRequest(request);
      const { status, q } = request.query;
      const { records, truncated } = await scanMissions(store, { owner: who.role === 'caller' ? who.principal : undefined, status });
      return missionTotals(queryMissions(records, { sort: 'created', dir: 'desc', q }, Date.now()), truncated);
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
