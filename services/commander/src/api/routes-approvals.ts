import { z } from 'zod';
import { Approval, ApprovalDecisionRequest, Id, isTerminalMissionStatus, ListApprovalInboxQuery, ListApprovalInboxResponse, ListApprovalsResponse, type ApprovalInboxItem, type MissionStatus } from '@aime/protocol';
import { decideApproval } from '../planner/approvals.ts';
import { mayDecideApprovals } from './auth.ts';
import { canAccess, loadMission, principalOfRequest } from './context.ts';
import { ApiError, conflict, notFound } from './errors.ts';
import { bearer, errorResponses, type RouteContext, type ZodApp } from './route-context.ts';
import { MissionParams } from './routes-missions.ts';

const tags = ['approvals'];

/** Mission statuses in which a call can wait for a decision (a paused mission keeps its pending approvals). */
const WAITING: MissionStatus[] = ['awaiting_approval', 'paused'];

/** `GET /v1/missions/:id/approvals` and `POST /v1/approvals/:approvalId`. */
export function registerApprovalRoutes(app: ZodApp, ctx: RouteContext): void {
  const { store } = ctx.deps;

  app.get(
    '/missions/:id/approvals',
    { schema: { tags, security: bearer, summary: 'List the approvals of a mission', params: MissionParams, response: { 200: ListApprovalsResponse, ...errorResponses } } },
    async (request) => {
      const { id } = request.params;
      await loadMission(store, principalOfRequest(request), id);
      return { items: await store.listApprovals(id) };
    },
  );

  app.get(
    '/approvals',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Every pending approval across the missions the key may see, oldest first (the operator inbox)',
        querystring: ListApprovalInboxQuery,
        response: { 200: ListApprovalInboxResponse, ...errorResponses },
      },
    },
    async (request) => {
      const who = principalOfRequest(request);
      const owner = who.role === 'caller' ? who.principal : undefined;
      // Through the per-status indexes: only missions that can hold a pending approval are read.
      const missions = (await Promise.all(WAITING.map((status) => store.listMissions({ status, limit: 200, ...(owner ? { owner } : {}) })))).flatMap((p) => p.items);
      const seen = new Set<string>();
      const pending: ApprovalInboxItem[] = [];
      for (const m of missions) {
        if (seen.has(m.id) || !canAccess(who, m)) continue;
        seen.add(m.id);
        for (const a of await store.listApprovals(m.id)) if (a.status === 'pending') pending.push({ ...a, missionGoal: m.goal });
      }
      pending.sort((a, b) => (a.requestedAt < b.requestedAt ? -1 : a.requestedAt > b.requestedAt ? 1 : 0));
      return { items: pending.slice(0, request.query.limit), total: pending.length };
    },
  );

  app.post(
    '/approvals/:approvalId',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Approve or reject a pending risky tool call',
        params: z.object({ approvalId: Id }),
        body: ApprovalDecisionRequest,
        response: { 200: Approval, ...errorResponses },
      },
    },
    async (request) => {
      const who = principalOfRequest(request);
      // The one who asked for a risky call must not be the one who allows it (unless relaxed).
      if (!mayDecideApprovals(ctx.deps.auth, who)) {
        throw new ApiError(403, 'forbidden', 'approvals are decided by operators: this needs an operator key (or AIME_CALLERS_MAY_APPROVE=1 on the server)');
      }
      const { approvalId } = request.params;
      const approval = await store.getApproval(approvalId);
      if (!approval) throw notFound(`approval ${approvalId}`);
      const mission = await store.getMission(approval.missionId);
      // A foreign mission's approval looks exactly like a missing one.
      if (!mission || !canAccess(who, mission)) throw notFound(`approval ${approvalId}`);
      if (approval.status !== 'pending') throw conflict(`approval ${approvalId} is already ${approval.status}`);
      // A decision after the mission ended would have no effect: say so instead of accepting it.
      if (isTerminalMissionStatus(mission.status)) throw conflict(`approval ${approvalId} belongs to mission ${mission.id}, which is ${mission.status}`);
      const { decision, note } = request.body;
      // Two operators deciding at once: only the first decision may count (a write-once marker
      // that carries the whole decision, so a crash before the record is finished by the reconciler).
      const decided = await decideApproval(store, approval, { decision, by: who.principal, ...(note === undefined ? {} : { note }) });
      if (!decided) throw conflict(`approval ${approvalId} was decided concurrently`);
      const { approval: resolved, eventId } = decided;
      // The planner resumes the waiting actor and tells the planner model.
      await store.pushInbox(approval.missionId, { kind: 'approval', eventId, approvalId, taskId: approval.taskId, actorId: approval.actorId, decision });
      await ctx.wake(approval.missionId, 'approval');
      request.log.info({ missionId: approval.missionId, approvalId, decision, principal: who.principal }, 'approval resolved');
      return resolved;
    },
  );
}
