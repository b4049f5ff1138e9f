import { section } from './markdown.ts';
import type { SimRequest } from './policy.ts';

/**
 * The three kinds of request the runtime sends a model, told apart the way the runtime asks:
 * the planner's structured `planner_output`, the Actor Factory's structured `actor_spec`, and an
 * actor's ReAct step (its tools include `submit_report`). A request in any output mode reaches
 * this as a `json_schema` ask (see `normaliseStructured`).
 */
export type SimRole = 'planner' | 'factory' | 'actor';

export const SIM_ROLES: readonly SimRole[] = ['planner', 'factory', 'actor'];

/** The structured answer names the runtime asks for, and the actor's report tool. */
export const PLANNER_RESPONSE_NAME = 'planner_output';
export const ACTOR_SPEC_RESPONSE_NAME = 'actor_spec';
export const REPORT_TOOL = 'submit_report';

/** Which role of the runtime sent a request, if any. */
export function roleOf(req: SimRequest): SimRole | undefined {
  if (req.response_format?.type === 'json_schema') {
    const name = req.response_format.json_schema?.name;
    if (name === PLANNER_RESPONSE_NAME) return 'planner';
    if (name === ACTOR_SPEC_RESPONSE_NAME) return 'factory';
  }
  if (req.tools?.some((t) => t.function.name === REPORT_TOOL)) return 'actor';
  return undefined;
}

const GOAL_HEADING = /^##\s+(?:mission\s+)?goal\b/i;

/**
 * The mission goal a request carries: the `## Goal` section of the planner prompt, `## Mission
 * goal, for context` of the factory prompt, `## Mission goal` of an actor's system prompt.
 * Empty when the request carries none (a hand-made request in a test).
 */
export function goalOf(req: SimRequest): string {
  for (const m of req.messages) {
    if (m.role === 'assistant' || m.role === 'tool') continue;
    const text = section(m.content, GOAL_HEADING);
    if (text !== undefined) return text.trim();
  }
  return '';
}
