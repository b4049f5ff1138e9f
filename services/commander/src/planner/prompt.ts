import { expandedTasks, HIDDEN_BUCKET_PREFIX, plannerTaskView, type HiddenGroup } from '@aime/core';
import { isTerminalTaskStatus, redact, redactText, type Event, type ResolvedBudget, type Task, type TaskGraph, type Usage } from '@aime/protocol';

/** Something that happened since the planner's last step, as the planner model is told of it. */
export type PlannerNews =
  | { kind: 'report'; taskId: string; status: string; summary: string; references: string[]; artifacts: string[] }
  | { kind: 'external'; message: string; data?: Record<string, unknown> }
  | { kind: 'operator'; action: string; note?: string }
  | { kind: 'approval'; summary: string }
  | { kind: 'blocked'; taskId: string; reason: string }
  | { kind: 'unblocked'; taskId: string };

export interface PlannerPromptInput {
  goal: string;
  context?: Record<string, unknown>;
  budget: ResolvedBudget;
  usage: Usage;
  elapsedMs: number;
  graph: TaskGraph;
  progressMarkdown: string;
  news: PlannerNews[];
  now: string;
  step: number;
}

export const PLANNER_RESPONSE_NAME = 'planner_output';

const SYSTEM = `You are the Mission Commander of a multi-agent runtime (the dynamic planner of AIME).
You keep a hierarchical task list for the mission and decide, after every report or outside event, how to change it.
Each leaf task is done by a single-purpose actor built for it; you never do the work yourself.

Answer with one JSON object {"thought": string, "operations": Operation[]} and nothing else. Operations:
- {"op":"add","task":{"id","title","description","completionCriteria","dependsOn":[ids],"parentId"?}}: a new task (ids: short kebab-case, unique, never reused). A task with children is a group: only leaves are worked on.
- {"op":"update","id","patch":{"title"?,"description"?,"completionCriteria"?,"dependsOn"?}}: change a task that is not running or finished.
- {"op":"remove","id"}: drop a task that is not running (and its subtasks); nothing else may depend on it.
- {"op":"skip","id","reason"}: give up a pending, ready, blocked or failed task on purpose.
- {"op":"retry","id"}: send a failed or blocked task back to pending.
- {"op":"dispatch","id"}: start a ready leaf task now (ready tasks are also started automatically, as many at once as the budget allows).
- {"op":"finish","status":"succeeded"|"failed","answer":string}: end the mission with the final answer for the user, once nothing runs.
- {"op":"expand","id"}: show hidden tasks again (a big plan's table lists the open frontier; the rest is summed up per group with an id to expand). You are shown them and asked again in the same step.
Rules: dependencies must exist and must not form cycles; a task can start only when every dependency succeeded or was skipped.
Replan when a report fails or an outside event changes the world: add replacement tasks, rewire dependencies, skip what no longer applies.
Give each task a precise description an actor can act on alone, and completion criteria that say when it is done.
Answer with an empty operations list when you are waiting for running tasks.
Never put secrets in tasks.`;

export function plannerSystemPrompt(): string {
  return SYSTEM;
}

/** Statuses of tasks that are done with: their descriptions matter less than their results. */
/** Characters of a finished task's description in the task table. */
export const FINISHED_DESCRIPTION_CHARS = 160;

/** A finished task's description, cut: it is there to recognise the task, not to do it again. */
function tableDescription(t: Task): string {
  const d = t.description.replace(/\s+/g, ' ');
  return isTerminalTaskStatus(t.status) && d.length > FINISHED_DESCRIPTION_CHARS ? `${d.slice(0, FINISHED_DESCRIPTION_CHARS - 1)}…` : d;
}

function taskLine(t: Task): string {
  const parts = [`id: ${t.id}`, `status: ${t.status}`];
  if (t.parentId) parts.push(`parent: ${t.parentId}`);
  parts.push(`depends on: ${t.dependsOn.length ? t.dependsOn.join(', ') : '-'}`);
  parts.push(`attempts: ${t.attempts}`);
  if (t.report?.references.length) parts.push(`refs: ${t.report.references.join(', ')}`);
  // Fields are "; "-separated, so the reason must not hold one.
  if (t.status === 'blocked' && t.reason) parts.push(`reason: ${t.reason.replace(/\s+/g, ' ').replace(/;\s*/g, ', ')}`);
  parts.push(`title: ${t.title}`);
  parts.push(`description: ${tableDescription(t)}`);
  return `- ${parts.join('; ')}`;
}

/** One line for a group of tasks the table leaves out. */
function hiddenLine(h: HiddenGroup): string {
  const counts = Object.entries(h.byStatus).map(([status, n]) => `${n} ${status}`).join(', ');
  const span = h.firstId === h.lastId ? `\`${h.firstId}\`` : `\`${h.firstId}\` … \`${h.lastId}\``;
  const what = h.groups
    ? `${h.groups.count} groups \`${h.id}\` … \`${h.groups.lastId}\``
    : h.id.startsWith(HIDDEN_BUCKET_PREFIX)
      ? h.title
      : `group \`${h.id}\` (${h.title})`;
  const expand = h.groups ? `Expand a group with {"op":"expand","id":"<group id>"}` : `Expand with {"op":"expand","id":"${h.id}"}`;
  return `- hidden: ${h.count} task${h.count === 1 ? '' : 's'} of ${what}: ${counts}; ${span}. Already in the plan: do not add them again. ${expand}.`;
}

/** The task table of a step: the whole graph when small, else the frontier and one line per hidden group. */
export function taskTableLines(graph: TaskGraph, opts: { mentioned?: readonly string[]; expanded?: readonly string[] } = {}): string[] {
  if (!graph.tasks.length) return ['(empty)'];
  const view = plannerTaskView(graph, opts);
  return [...view.listed.map(taskLine), ...view.hidden.map(hiddenLine)];
}

/** The answer to an `expand`: the asked-for tasks in the task table's form, then the ask to go on. */
export function expandMessage(graph: TaskGraph, ids: readonly string[]): string {
  const { tasks, unknown } = expandedTasks(graph, ids);
  const lines = ['The tasks you asked to see:', ...(tasks.length ? tasks.map(taskLine) : ['(none)'])];
  if (unknown.length) lines.push(`Nothing has the id ${unknown.map((id) => `"${id}"`).join(', ')}.`);
  lines.push('Operations you already gave stay applied. Answer again with one JSON object {"thought": string, "operations": [...]} holding only further operations (an empty list if none are needed).');
  return lines.join('\n');
}

const indent = (text: string) => text.split('\n').join('\n  ');

function newsLine(n: PlannerNews): string {
  switch (n.kind) {
    case 'report': {
      // The summary keeps its lines (an itinerary is Markdown), indented under the item.
      const lines = [`- Report from task \`${n.taskId}\` (${n.status}): ${indent(n.summary.trim())}`];
      if (n.references.length) lines.push(`  References: ${n.references.join(', ')}`);
      if (n.artifacts.length) lines.push(`  Artifacts: ${n.artifacts.join(', ')}`);
      return lines.join('\n');
    }
    case 'external':
      return `- Outside event: ${n.message.replace(/\s+/g, ' ')}${n.data ? ` Data: ${JSON.stringify(n.data)}` : ''}`;
    case 'operator':
      return `- Operator: ${n.action}${n.note ? ` (${n.note})` : ''}`;
    case 'approval':
      return `- Approval: ${n.summary}`;
    case 'blocked':
      return `- Task \`${n.taskId}\` is blocked: ${n.reason.replace(/\s+/g, ' ')}. It resumes by itself when such a worker starts: wait for it, do not retry it.`;
    case 'unblocked':
      return `- Task \`${n.taskId}\` is unblocked: a live worker now serves what it needs, and it will be dispatched again.`;
  }
}

/** Tasks the news is about: a big plan's table always lists them. */
function mentionedTasks(news: readonly PlannerNews[]): string[] {
  return news.flatMap((n) => ('taskId' in n ? [n.taskId] : []));
}

/** The context with every secret-looking key and value redacted (`redact` of @aime/protocol): they never reach a model prompt. */
export function redactContext(ctx: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return ctx ? redact(ctx) : undefined;
}

/**
 * The user message of one planner step: goal, context, the progress list, the task table, the
 * news, and last the budget with the clock. What changes every step (tokens and time used,
 * `now`, the step number) comes last, so the longest possible prefix stays the same from one
 * step to the next and providers can cache it.
 */
export function plannerUserPrompt(input: PlannerPromptInput): string {
  const ctx = redactContext(input.context);
  const b = input.budget;
  const u = input.usage;
  const lines = [
    `## Goal`,
    redactText(input.goal),
    '',
  ];
  if (ctx && Object.keys(ctx).length) lines.push('## Mission context', '```json', JSON.stringify(ctx, null, 2), '```', '');
  lines.push(
    '## Progress list',
    input.progressMarkdown.trim() || '(no tasks yet: make the plan)',
    '',
    '## Task table',
    ...taskTableLines(input.graph, { mentioned: mentionedTasks(input.news) }),
    '',
    '## New since your last step',
    ...(input.news.length ? input.news.map(newsLine) : ['(nothing new)']),
    '',
    '## Budget',
    `at most ${b.maxParallelActors} actors at once; planner step ${input.step} of ${b.maxPlannerSteps}; tokens ${u.promptTokens + u.completionTokens} of ${b.maxTokens}; cost $${u.costUsd.toFixed(4)} of $${b.maxCostUsd}; time ${Math.round(input.elapsedMs / 1000)}s of ${Math.round(b.maxWallMs / 1000)}s`,
    `now: ${input.now}`,
  );
  return lines.join('\n');
}

/** JSON schema sent as the response format (the zod schema in @aime/protocol validates the answer). */
export const PLANNER_JSON_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['thought', 'operations'],
  properties: {
    thought: { type: 'string' },
    operations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['op'],
        properties: {
          op: { type: 'string', enum: ['add', 'update', 'remove', 'skip', 'retry', 'dispatch', 'finish', 'expand'] },
          id: { type: 'string' },
          task: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              parentId: { type: 'string' },
              title: { type: 'string' },
              description: { type: 'string' },
              completionCriteria: { type: 'string' },
              dependsOn: { type: 'array', items: { type: 'string' } },
            },
          },
          patch: { type: 'object' },
          reason: { type: 'string' },
          status: { type: 'string', enum: ['succeeded', 'failed'] },
          answer: { type: 'string' },
        },
      },
    },
  },
};

/** Events the planner turns into news. */
export function isReportEvent(e: Event): e is Extract<Event, { type: 'actor.reported' }> {
  return e.type === 'actor.reported' && !('generic' in e);
}
