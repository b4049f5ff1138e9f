import type { ActorSpec, Bundle, Task } from '@aime/protocol';

/** The response-format name of the factory's structured answer (the sim matches on it). */
export const ACTOR_SPEC_RESPONSE_NAME = 'actor_spec';

/** What the actor must hand back, as it is told. */
export const OUTPUT_FORMAT = [
  'When you are done, or stuck, call submit_report exactly once with:',
  '- status: succeeded | failed | blocked',
  '- summary: what you did and found, with the concrete facts (ids, times, prices)',
  '- references: pointers to what you found or changed, like `train:<id>`, `flight:<id>`, `hotel:<id>`, `booking:<ref>`',
  '- artifacts (optional): documents you produced, as { name, content, mimeType }',
].join('\n');

export const FACTORY_SYSTEM_PROMPT = `You are the Actor Factory of a multi-agent runtime.
For one task you design the actor that will do it: a persona (name, role, a few traits) and the smallest set of tool bundles it needs.
Choose bundles only from the list you are given, by name. Answer with one JSON object {"persona":{"name","role","traits":[]},"bundles":[]} and nothing else.`;

/** The marker of a known bundle that no live worker serves now (choosing it makes the task wait). */
export const NO_LIVE_WORKER = '(no live worker)';

/**
 * The user message of the factory model: the task, the mission goal, the bundles live workers
 * serve and, marked {@link NO_LIVE_WORKER}, known bundles no live worker serves now.
 */
export function factoryUserPrompt(goal: string, task: Task, bundles: Bundle[], offline: Bundle[] = []): string {
  const line = (b: Bundle, mark: string): string => `- ${b.name}${mark}: ${b.description} (tools: ${b.tools.map((t) => t.name).join(', ')})`;
  return [
    '## Task',
    `id: ${task.id}`,
    `title: ${task.title}`,
    `description: ${task.description}`,
    `completion criteria: ${task.completionCriteria}`,
    '',
    '## Available bundles',
    ...(bundles.length || offline.length ? [...bundles.map((b) => line(b, '')), ...offline.map((b) => line(b, ` ${NO_LIVE_WORKER}`))] : ['(none)']),
    ...(offline.length ? ['', `A bundle marked ${NO_LIVE_WORKER} has no worker now: choose it only if the task cannot be done without it; the task then waits until a worker serving it starts.`] : []),
    '',
    '## Mission goal, for context',
    goal,
  ].join('\n');
}

/** A tool as the actor is told of it. */
export interface ToolLine {
  name: string;
  description: string;
}

/** The built-in tools every actor has (AIME's progress and report tools). */
export const BUILTIN_TOOLS: ToolLine[] = [
  { name: 'update_progress', description: 'Tell the operators what you are doing now: { status, message }.' },
  { name: 'submit_report', description: 'End your task with your report: { status, summary, references?, artifacts? }.' },
];

/**
 * Composes the actor's system prompt from AIME's parts: persona, the mission goal, the task,
 * knowledge, environment, tools and output format, plus the rule to report failures honestly.
 */
export function composeSystemPrompt(
  spec: Pick<ActorSpec, 'persona' | 'knowledge' | 'environment' | 'outputFormat' | 'maxSteps'>,
  goal: string,
  task: Task,
  tools: ToolLine[],
): string {
  const p = spec.persona;
  return [
    `You are ${p.name}: ${p.role}.${p.traits.length ? ` You are ${p.traits.join(', ')}.` : ''}`,
    'You are one actor in a team: you do exactly the task below, with the tools below, and then report.',
    '',
    '## Mission goal',
    goal,
    '',
    '## Your task',
    `id: ${task.id}`,
    `title: ${task.title}`,
    `description: ${task.description}`,
    `completion criteria: ${task.completionCriteria || '(as the description says)'}`,
    '',
    '## Knowledge',
    spec.knowledge,
    '',
    '## Environment',
    `now: ${spec.environment.now}`,
    `timezone: ${spec.environment.timezone}`,
    `permissions: ${spec.environment.permissions.length ? spec.environment.permissions.join('; ') : 'none beyond the tools'}`,
    `step limit: ${spec.maxSteps} model calls`,
    '',
    '## Tools',
    ...tools.map((t) => `- ${t.name}: ${t.description}`),
    '',
    '## Output format',
    spec.outputFormat,
    '',
    '## Rules',
    '- Call update_progress when you start and when something important changes.',
    '- Report failures honestly: if a tool says no (for example a train is sold out), the task failed: submit a failed report that quotes the error. Never report success for something that did not happen.',
    '- Use only facts from the tools, the knowledge and the task; do not invent ids, prices or bookings.',
    '- Long tool results and reports are cut to keep your context small, and say so: read the rest with the built-in read_artifact tool ({ id, page }) only when you need it.',
    '- If you cannot go on (a tool you need is missing, information is missing), submit a blocked report saying what is missing.',
  ].join('\n');
}
