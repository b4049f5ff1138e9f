import { z } from 'zod';
import { Id, redact, redactText, TRANSCRIPT_OBSERVATION_CHARS, TranscriptResponse, type TranscriptStep } from '@aime/protocol';
import { loadMission, principalOfRequest } from './context.ts';
import { bearer, errorResponses, type RouteContext, type ZodApp } from './route-context.ts';

const ActorParams = z.object({ id: Id, actorId: Id });

/** A transcript entry as the actor worker stores it (services/actors `StepEntry`), read leniently. */
const StoredStep = z.object({
  step: z.number().int().nonnegative(),
  ai: z.object({
    content: z.string().catch(''),
    tool_calls: z
      .array(z.object({ id: z.string(), name: z.string(), args: z.unknown(), invalidArgs: z.string().optional() }))
      .catch([]),
  }),
  results: z.array(z.object({ toolCallId: z.string(), name: z.string(), observation: z.string() })).catch([]),
});

/** What the API shows of one stored step: redacted, each observation capped; null for an entry it cannot read. */
export function transcriptStepOf(entry: unknown): TranscriptStep | null {
  const parsed = StoredStep.safeParse(entry);
  if (!parsed.success) return null;
  const { step, ai, results } = parsed.data;
  return {
    step,
    thought: redactText(ai.content),
    calls: ai.tool_calls.map((c) => ({
      id: c.id,
      name: c.name,
      args: redact(c.args ?? {}),
      ...(c.invalidArgs === undefined ? {} : { invalidArgs: redactText(c.invalidArgs) }),
    })),
    results: results.map((r) => {
      const cut = r.observation.length > TRANSCRIPT_OBSERVATION_CHARS;
      return { toolCallId: r.toolCallId, name: r.name, observation: redactText(cut ? `${r.observation.slice(0, TRANSCRIPT_OBSERVATION_CHARS)}…` : r.observation), ...(cut ? { truncated: true } : {}) };
    }),
  };
}

/** `GET /v1/missions/:id/actors/:actorId/transcript`: an actor's ReAct steps (owner- or operator-scoped, as the mission). */
export function registerActorRoutes(app: ZodApp, ctx: RouteContext): void {
  const { store } = ctx.deps;
  app.get(
    '/missions/:id/actors/:actorId/transcript',
    {
      schema: {
        tags: ['missions'],
        security: bearer,
        summary: "An actor's steps, oldest first: thought, tool calls and observations (secrets redacted, observations capped)",
        params: ActorParams,
        response: { 200: TranscriptResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id, actorId } = request.params;
      await loadMission(store, principalOfRequest(request), id);
      const items = (await store.readTranscript(id, actorId)).flatMap((e) => transcriptStepOf(e) ?? []);
      return { actorId, items };
    },
  );
}
