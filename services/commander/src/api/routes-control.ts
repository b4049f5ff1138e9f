import { ACTIVE_MISSION_STATUSES, CancelRequest, Mission, OPEN_MISSION_STATUSES, redactText, type MissionStatus } from '@aime/protocol';
import { loadMission, principalOfRequest } from './context.ts';
import { conflict, notFound } from './errors.ts';
import { bearer, errorResponses, missionView, type RouteContext, type ZodApp } from './route-context.ts';
import { MissionParams } from './routes-missions.ts';

/** The operator controls: which statuses each may leave from, and what the planner is told. */
const CONTROLS = {
  pause: { to: 'paused', from: ACTIVE_MISSION_STATUSES, done: 'paused', inbox: null },
  resume: { to: 'running', from: ['paused'], done: 'resumed', inbox: 'resume' },
  cancel: { to: 'cancelled', from: OPEN_MISSION_STATUSES, done: 'cancelled', inbox: 'cancel' },
} as const satisfies Record<string, { to: MissionStatus; from: readonly MissionStatus[]; done: string; inbox: 'resume' | 'cancel' | null }>;

/** `POST /v1/missions/:id/pause`, `/resume`, `/cancel`. */
export function registerControlRoutes(app: ZodApp, ctx: RouteContext): void {
  const { store } = ctx.deps;
  for (const [action, control] of Object.entries(CONTROLS)) {
    app.post(
      `/missions/:id/${action}`,
      {
        schema: {
          tags: ['control'],
          security: bearer,
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a mission (allowed from: ${control.from.join(', ')})`,
          params: MissionParams,
          // Each control may say why (`{ reason }`); it is kept in the `mission.status` event.
          body: CancelRequest,
          response: { 202: Mission, ...errorResponses },
        },
      },
      async (request, reply) => {
        const who = principalOfRequest(request);
        const { id } = request.params;
        await loadMission(store, who, id);
        // The `from` guard makes the check and the change one atomic step in the store.
        const why = request.body?.reason ? redactText(request.body.reason) : undefined;
        const changed = await store.setMissionStatus(id, control.to, { from: [...control.from], reason: `${control.done} by ${who.role}${why ? `: ${why}` : ''}` });
        if (!changed) {
          const now = await store.getMission(id);
          if (!now) throw notFound(`mission ${id}`);
          throw conflict(`cannot ${action} mission ${id}: it is ${now.status} (${action} works from ${control.from.join(', ')})`);
        }
        request.log.info({ missionId: id, principal: who.principal, action }, 'mission control');
        if (control.inbox) {
          await store.pushInbox(id, { kind: 'operator', eventId: changed.event.id, action: control.inbox });
          await ctx.wake(id, control.inbox);
        }
        return reply.code(202).send(await missionView(store, changed.mission));
      },
    );
  }
}
