import type { SimAnswer } from '@aime/sim';
import { lastResult, type ActorCtx } from './request.ts';
import { errorText, isError, isRejected, parseJson, rejectionNote } from './results.ts';

/**
 * The shapes of an actor's answer: a step with tool calls (the progress update first, on the
 * first step), a report, and the one-tool pattern most tasks follow (call, then report on the result).
 */

export type Call = { name: string; arguments: unknown };

export const call = (name: string, args: unknown): Call => ({ name, arguments: args });

/** One step: the progress update first on the first step, then the calls. */
export function act(ctx: ActorCtx, thought: string, calls: Call[]): SimAnswer {
  const first = !ctx.calls.some((c) => c.name === 'update_progress') && ctx.tools.includes('update_progress');
  const pre = first ? [call('update_progress', { status: 'in_progress', message: `Working on: ${ctx.title}` })] : [];
  return { content: thought, toolCalls: [...pre, ...calls] };
}

export function report(
  ctx: ActorCtx,
  status: 'succeeded' | 'failed' | 'blocked',
  summary: string,
  references: string[] = [],
  artifacts?: Array<{ name: string; content: string; mimeType: string }>,
): SimAnswer {
  return act(ctx, `Reporting: ${status}.`, [call('submit_report', { status, summary, references, ...(artifacts ? { artifacts } : {}) })]);
}

/** A malformed or misrouted call is worth one more try; a real refusal is not. */
export function retryable(ctx: ActorCtx, name: string, result: string): boolean {
  return /invalid|unknown tool|malformed|timed? ?out|temporar/i.test(result) && ctx.calls.filter((c) => c.name === name).length < 2;
}

/** A human said no: not a glitch to retry, and no success either. The planner gives the task up. */
export function rejected(ctx: ActorCtx, what: string, observation: string): SimAnswer {
  const why = rejectionNote(observation);
  return report(ctx, 'blocked', `The operator rejected the call, so I did not ${what}: rejected by the operator${why ? `: ${why}` : ''}.`);
}

/** Calls `tool` unless it is already answered; then hands its result to `done`. Failed calls end in a failed report. */
export function oneTool(ctx: ActorCtx, tool: string, args: unknown, thought: string, what: string, done: (value: unknown) => SimAnswer): SimAnswer {
  if (!ctx.tools.includes(tool)) return report(ctx, 'blocked', `I cannot ${what}: the tool ${tool} is not available to me.`);
  const past = lastResult(ctx, tool);
  if (!past?.result) return act(ctx, thought, [call(tool, args)]);
  if (isRejected(past.result)) return rejected(ctx, what, past.result);
  if (isError(past.result)) {
    if (retryable(ctx, tool, past.result)) return act(ctx, `Retrying ${tool}.`, [call(tool, args)]);
    return report(ctx, 'failed', `Could not ${what}: ${errorText(past.result)}.`);
  }
  return done(parseJson(past.result) ?? past.result);
}
