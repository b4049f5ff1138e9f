import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET, EMPTY_USAGE, PlannerOutput, type Task, type TaskGraph } from '@aime/protocol';
import { planFor, readPlannerView } from '@aime/plugin-travel/sim';
import type { SimRequest } from '@aime/sim';
import { plannerSystemPrompt, plannerUserPrompt, type PlannerPromptInput } from '../src/planner/prompt.ts';

const GOAL = 'Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people under ¥300,000, taking the Shinkansen from Tokyo to Kyoto on day 2';
const LONG_TAIL = ' Prefer the Shinkansen (Nozomi), a window seat, a quiet car and a seat facing forward; report the chosen one as a reference `train:<id>` with its price and its departure time.';

function task(id: string, status: Task['status'], extra: Partial<Task> = {}): Task {
  return { id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: status === 'pending' ? 0 : 1, ...extra };
}

function input(graph: TaskGraph, over: Partial<PlannerPromptInput> = {}): PlannerPromptInput {
  return { goal: GOAL, budget: DEFAULT_BUDGET, usage: EMPTY_USAGE, elapsedMs: 1000, graph, progressMarkdown: '- [ ] a task', news: [], now: '2026-11-29T00:00:00.000Z', step: 1, ...over };
}

const request = (content: string): SimRequest => ({
  model: 'sim',
  messages: [
    { role: 'system', content: plannerSystemPrompt() },
    { role: 'user', content },
  ],
  response_format: { type: 'json_schema', json_schema: { name: 'planner_output' } },
});

const search = (status: Task['status']): Task =>
  task('find-train-tokyo-kyoto', status, {
    description: `Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers, departing after 08:30.${LONG_TAIL}`,
    report: { status: 'succeeded', summary: 'Chose NOZOMI-0900-2026-12-02', references: ['train:NOZOMI-0900-2026-12-02'], artifacts: [] },
  });

describe('the planner prompt, bounded and cache-friendly', () => {
  it('trims the descriptions of finished tasks in the task table, and keeps the others whole', () => {
    const long = `Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers, departing after 08:30.${LONG_TAIL}`;
    const graph: TaskGraph = {
      version: 2,
      tasks: (['succeeded', 'skipped', 'cancelled', 'failed', 'pending', 'running'] as const).map((s) => task(`t-${s}`, s, { description: long })),
    };
    const view = readPlannerView(request(plannerUserPrompt(input(graph))));
    const byId = new Map(view.tasks.map((t) => [t.id, t.description]));
    for (const s of ['succeeded', 'skipped', 'cancelled']) {
      expect(byId.get(`t-${s}`)).toHaveLength(160);
      expect(byId.get(`t-${s}`)).toBe(`${long.slice(0, 159)}…`);
    }
    for (const s of ['failed', 'pending', 'running']) expect(byId.get(`t-${s}`)).toBe(long);
  });

  it('puts the budget used, the clock and the step number last, so the prompt before them stays the same from step to step', () => {
    const graph: TaskGraph = { version: 2, tasks: [task('a', 'running', { description: 'Do a.' })] };
    const one = plannerUserPrompt(input(graph));
    const two = plannerUserPrompt(input(graph, { step: 7, elapsedMs: 93_000, now: '2026-11-29T00:01:33.000Z', usage: { ...EMPTY_USAGE, promptTokens: 5_000, completionTokens: 800, costUsd: 0.02 } }));
    const tail = (p: string) => p.slice(p.indexOf('\n## Budget\n'));
    expect(tail(one).split('\n').filter(Boolean)).toEqual(['## Budget', expect.stringContaining('planner step 1 of'), 'now: 2026-11-29T00:00:00.000Z']);
    expect(tail(two)).toMatch(/planner step 7 of \d+; tokens 5800 of \d+; cost \$0\.0200 of \$[\d.]+; time 93s of \d+s\nnow: 2026-11-29T00:01:33\.000Z$/);
    // Everything up to the budget is byte-identical between the two steps.
    expect(one.slice(0, one.indexOf('\n## Budget\n'))).toBe(two.slice(0, two.indexOf('\n## Budget\n')));
    expect(one.indexOf('## Budget')).toBeGreaterThan(one.indexOf('## New since your last step'));
  });

  it('keeps the sections readable for the simulated planner, with news ending before the budget', () => {
    const graph: TaskGraph = { version: 2, tasks: [task('a', 'running', { description: 'Do a.' })] };
    const view = readPlannerView(
      request(plannerUserPrompt(input(graph, { context: { tripBudget: { amount: 1 } }, news: [{ kind: 'report', taskId: 'a', status: 'succeeded', summary: 'Done a.', references: ['x:1'], artifacts: [] }] }))),
    );
    expect(view.goal).toBe(GOAL);
    expect(view.context).toEqual({ tripBudget: { amount: 1 } });
    expect(view.progress).toBe('- [ ] a task');
    expect(view.tasks.map((t) => t.id)).toEqual(['a']);
    expect(view.news).toEqual([{ kind: 'report', taskId: 'a', status: 'succeeded', summary: 'Done a.', references: ['x:1'] }]);
  });

  it('still lets the simulated planner replace a sold-out train from a finished search whose description was trimmed', () => {
    const graph: TaskGraph = {
      version: 3,
      tasks: [search('succeeded'), task('book-train-tokyo-kyoto', 'failed', { dependsOn: ['find-train-tokyo-kyoto'] }), task('itinerary', 'pending', { dependsOn: ['book-train-tokyo-kyoto'] })],
    };
    const prompt = plannerUserPrompt(input(graph, { news: [{ kind: 'report', taskId: 'book-train-tokyo-kyoto', status: 'failed', summary: 'Could not book NOZOMI-0900-2026-12-02: sold out.', references: ['train:NOZOMI-0900-2026-12-02'], artifacts: [] }] }));
    expect(prompt).not.toContain('departure time.');
    const out = PlannerOutput.parse(planFor(request(prompt)));
    const added = out.operations.flatMap((o) => (o.op === 'add' ? [o.task] : []));
    expect(added.find((t) => t.id === 'find-train-tokyo-kyoto-2')?.description).toMatch(/^Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers, departing after 09:00, excluding NOZOMI-0900-2026-12-02\./);
  });
});
