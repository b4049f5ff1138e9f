import { REAL_MODEL_HELP, demoWorldSummary } from './demo-world.ts';
import type { Plan } from './trip-plan.ts';

/**
 * The sim planner's honest answer to a goal it cannot serve: the mission fails at once with
 * an explanation, instead of a canned plan that "succeeds" with placeholder text.
 */
export function outOfWorldAnswer(reason?: string): string {
  return [
    reason ?? 'This mission ran on the **simulated model**, which cannot work on this goal: it only knows the offline travel demo, so it did not pretend to.',
    '',
    '**What the simulated model can do:** plan, book and price trips in the offline travel demo.',
    '',
    demoWorldSummary(),
    '- **Goals it understands**, for example "Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people under ¥300,000" or "Tokyo then Kyoto, two adults, 3 nights from Dec 3 2026, budget $2,500".',
    '- **Plugin tools:** "Call `tool_name` with {json}" calls any tool a plugin serves (several calls joined by "then" run in order).',
    '',
    REAL_MODEL_HELP,
  ].join('\n');
}

/** A first step that ends the mission `failed` with that answer (no task is planned). */
export function outOfWorldPlan(reason?: string): Plan {
  return {
    thought: 'The simulated model cannot serve this goal: finish at once as failed, saying what it can do and how to use a real model.',
    operations: [{ op: 'finish', status: 'failed', answer: outOfWorldAnswer(reason) }],
  };
}
