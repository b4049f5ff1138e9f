import { z } from 'zod';
import { CreateMissionRequest, CreateMissionResponse, Id, ListMissionsQuery, ListMissionsResponse, Mission } from '@aime/protocol';
import { resolveBudget } from '@aime/core';
import { loadMission, principalOfRequest } from './context.ts';
import { bearer, errorResponses, missionView, type RouteContext, type ZodApp } from './route-context.ts';

const tags = ['missions'];
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
      const budget = resolveBudget(request.body.budget);
      const { mission } = await store.createMission({ goal, model: ctx.deps.modelInfo, budget, context, metadata, owner: who.principal });
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
    '/missions/:id',
    { schema: { tags, security: bearer, summary: 'Read a mission with its tasks', params: MissionParams, response: { 200: Mission, ...errorResponses } } },
    async (request) => {
      const record = await loadMission(store, principalOfRequest(request), request.params.id);
      return missionView(store, record);
    },
  );
}
