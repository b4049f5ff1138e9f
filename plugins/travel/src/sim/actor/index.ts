import type { SimAnswer, SimPolicy, SimRequest } from '@aime/sim';
import { REPORT_TOOL } from '@aime/sim';
import { taskIntent } from '../grammar.ts';
import { book, callTool, generic, searchFlights, searchHotels, searchTrains, weather } from './answers.ts';
import { assemble } from './itinerary.ts';
import { readActorRequest } from './request.ts';
import { act, call } from './steps.ts';

/** A marker in the actor's system prompt that makes it call a missing tool once (fault drill). */
export const UNKNOWN_TOOL_MARKER = '[[sim:unknown-tool-once]]';
const MISSING_TOOL = 'lookup_everything';

/**
 * Plays an actor of the travel world: a ReAct loop driven only by the system prompt and the
 * tool results so far. Reads the request (request.ts), what the task asks (grammar.ts), the tool
 * results tolerantly (results.ts), answers per intent (answers.ts, itinerary.ts) and renders (render.ts).
 */
export function actorAnswer(req: SimRequest): SimAnswer {
  const ctx = readActorRequest(req);
  if (ctx.system.includes(UNKNOWN_TOOL_MARKER) && !ctx.calls.some((c) => c.name === MISSING_TOOL || /unknown tool/i.test(c.result ?? ''))) {
    return act(ctx, 'Let me look everything up first.', [call(MISSING_TOOL, { query: ctx.title })]);
  }
  const intent = taskIntent(ctx.task);
  switch (intent.kind) {
    case 'search-flights':
      return searchFlights(ctx, intent);
    case 'search-trains':
      return searchTrains(ctx, intent);
    case 'search-hotels':
      return searchHotels(ctx, intent);
    case 'weather':
      return weather(ctx, intent);
    case 'book':
      return book(ctx, intent);
    case 'assemble':
      return assemble(ctx, intent);
    case 'call':
      return callTool(ctx, intent);
    case 'generic':
      return generic(ctx);
  }
}

/** The travel actor as a policy (for a sim started with explicit `policies`). */
export const actorPolicy: SimPolicy = {
  name: 'actor',
  matches: (req) => (req.tools ?? []).some((t) => t.function.name === REPORT_TOOL),
  answer: actorAnswer,
};
