import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponse, redact, redactText, type Mission } from '@aime/protocol';
import type { MissionRecord, MissionStore } from '@aime/store';
import { missionFromRecord } from '@aime/store';
import { renderProgressMarkdown } from '@aime/core';
import { withReplacements, withTaskStates } from '@aime/core/views';
import { withRecovering } from '@aime/queues';
import type { ApiMetrics } from './metrics.ts';
import type { ApiLimitsContext } from './register-limits.ts';
import type { ApiDeps } from './types.ts';

/** A fastify instance typed by the zod schemas of its routes. */
export type ZodApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** What route modules share. */
export interface RouteContext {
  deps: ApiDeps;
  metrics: ApiMetrics;
  /** Budget ceilings, rate limits and mission caps. */
  limits: ApiLimitsContext;
  /** Aborted when the server closes, so long-lived SSE streams end and `close()` can finish. */
  shutdown: AbortSignal;
  /** Open SSE streams, awaited on close so their connections are idle when the server closes them. */
  streams: Set<Promise<void>>;
  /** Wakes the planner; a failure is logged, not thrown, since the inbox item is already stored. */
  wake(missionId: string, reason: string): Promise<void>;
}

/** The error responses every route may give, for the OpenAPI document. */
export const errorResponses = { '4xx': ErrorResponse, '5xx': ErrorResponse } as const;

/** OpenAPI security requirement of the authenticated routes. */
export const bearer = [{ bearer: [] }];

/** The full `Mission` view: the stored record plus its task graph and progress Markdown. */
export async function missionView(store: MissionStore, record: MissionRecord): Promise<Mission> {
  // Actors write progress without rewriting the graph, so overlay the latest.
  const [graph, progress, approvals] = await Promise.all([store.readGraph(record.id), store.getProgress(record.id), store.listApprovals(record.id)]);
  const mission = missionFromRecord(record, graph, renderProgressMarkdown(graph), progress);
  // A running task whose worker died shows `recovering` until another worker takes its job over;
  // `state` says what each task is doing as an operator sees it (awaiting approval, paused...).
  // `replacedBy` and `stale` link a replan's replacements to what they replace.
  mission.tasks = withReplacements(withTaskStates(await withRecovering(store, record.id, mission.tasks), record.status, approvals));
  // The record keeps the raw context (the mission's tools may need it); what the API shows is redacted.
  if (mission.context) mission.context = redact(mission.context);
  if (mission.metadata) mission.metadata = redact(mission.metadata);
  if (mission.error) mission.error = { ...mission.error, message: redactText(mission.error.message) };
  return mission;
}
