import { ExternalEventRequest, ExternalEventResponse, isTerminalMissionStatus, ListEventsQuery, ListEventsResponse } from '@aime/protocol';
import { loadMission, principalOfRequest } from './context.ts';
import { ApiError, conflict } from './errors.ts';
import { bearer, errorResponses, type RouteContext, type ZodApp } from './route-context.ts';
import { MissionParams } from './routes-missions.ts';
import { streamLimiterFor } from '../gateway/stream-limits.ts';
import { streamEvents } from './sse.ts';

const tags = ['events'];
const EVENT_ID = /^\d+-\d+$/;

function wantsEventStream(accept: string | undefined): boolean {
  return accept !== undefined && accept.toLowerCase().includes('text/event-stream');
}

/** `GET /v1/missions/:id/events` (JSON page or SSE) and `POST /v1/missions/:id/events`. */
export function registerEventRoutes(app: ZodApp, ctx: RouteContext): void {
  const { store } = ctx.deps;
  // Stream gauges show in /metrics from the start, not only after the first SSE stream.
  streamLimiterFor(store).register(ctx.metrics.registry);

  app.get(
    '/missions/:id/events',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Read events after an id; with Accept: text/event-stream a live SSE stream that honours Last-Event-ID',
        params: MissionParams,
        querystring: ListEventsQuery,
        response: { 200: ListEventsResponse, ...errorResponses },
      },
      // Events were parsed by the store already; re-encoding a large page through zod
      // would only cost time and turn a harmless drift into a 500.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request, reply) => {
      const { id } = request.params;
      await loadMission(store, principalOfRequest(request), id);
      const { after, limit } = request.query;
      if (!wantsEventStream(request.headers.accept)) {
        return { items: await store.readEvents(id, after === undefined ? { limit } : { after, limit }) };
      }
      const header = request.headers['last-event-id'];
      const lastEventId = Array.isArray(header) ? header[0] : header;
      if (lastEventId !== undefined && lastEventId !== '' && !EVENT_ID.test(lastEventId)) {
        throw new ApiError(400, 'validation_failed', 'Last-Event-ID must be an event id like 1700000000000-0', [
          { path: 'headers.last-event-id', message: 'must be an event id like 1700000000000-0' },
        ]);
      }
      // A reconnecting EventSource repeats the original URL, so its header is the newer position.
      const from = lastEventId || after;
      reply.hijack();
      const stream = streamEvents({ store, missionId: id, after: from, res: reply.raw, logger: request.log, signal: ctx.shutdown, client: { key: principalOfRequest(request).principal, address: request.ip }, registry: ctx.metrics.registry });
      ctx.streams.add(stream);
      try {
        await stream;
      } finally {
        ctx.streams.delete(stream);
      }
      return reply;
    },
  );

  app.post(
    '/missions/:id/events',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Inject an outside event; the planner replans with it',
        params: MissionParams,
        body: ExternalEventRequest,
        response: { 202: ExternalEventResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const record = await loadMission(store, principalOfRequest(request), id);
      if (isTerminalMissionStatus(record.status)) throw conflict(`mission ${id} has finished (${record.status}): it takes no more events`);
      const { message, data } = request.body;
      const event = await store.appendEvent(id, { type: 'world.event', data: data === undefined ? { source: 'api', message } : { source: 'api', message, data } });
      await store.pushInbox(id, data === undefined ? { kind: 'external', eventId: event.id, message } : { kind: 'external', eventId: event.id, message, data });
      await ctx.wake(id, 'external');
      return reply.code(202).send({ eventId: event.id });
    },
  );
}
