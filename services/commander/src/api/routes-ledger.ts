import { LedgerResponse } from '@aime/protocol';
import { sideEffectLedger } from '@aime/core/views';
import { loadMission, principalOfRequest } from './context.ts';
import { bearer, errorResponses, type RouteContext, type ZodApp } from './route-context.ts';
import { MissionParams } from './routes-missions.ts';

/** Events read for a ledger: a mission's stream is capped well below this. */
const MAX_EVENTS = 100_000;

/** `GET /v1/missions/:id/ledger`: the external effects (bookings, payments...) that went through. */
export function registerLedgerRoutes(app: ZodApp, ctx: RouteContext): void {
  const { store } = ctx.deps;
  app.get(
    '/missions/:id/ledger',
    {
      schema: {
        tags: ['missions'],
        security: bearer,
        summary: 'The side-effect ledger: external effects tool calls declared, with totals per currency (they stay done after a cancel)',
        params: MissionParams,
        response: { 200: LedgerResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      await loadMission(store, principalOfRequest(request), id);
      return sideEffectLedger(await store.readEvents(id, { limit: MAX_EVENTS }));
    },
  );
}
