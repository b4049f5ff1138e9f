import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET, EMPTY_USAGE, PlannerOutput, type Task, type TaskGraph } from '@aime/protocol';
import { planFor, readTrip } from '@aime/plugin-travel/sim';
import type { SimRequest } from '@aime/sim';
import { plannerSystemPrompt, plannerUserPrompt, redactContext, type PlannerNews } from '../src/planner/prompt.ts';
import { extractJson } from '@aime/models';
import { readPlannerAnswer } from '@aime/core';
import { predecessorId } from '../src/planner/news.ts';

const GOAL = 'Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people under ¥300,000, taking the Shinkansen from Tokyo to Kyoto on day 2';

function request(graph: TaskGraph, news: PlannerNews[] = [], goal = GOAL, context?: Record<string, unknown>): SimRequest {
  return {
    model: 'sim',
    messages: [
      { role: 'system', content: plannerSystemPrompt() },
      {
        role: 'user',
        content: plannerUserPrompt({
          goal,
          ...(context ? { context } : {}),
          budget: DEFAULT_BUDGET,
          usage: EMPTY_USAGE,
          elapsedMs: 1000,
          graph,
          progressMarkdown: '',
          news,
          now: '2026-11-29T00:00:00.000Z',
          step: 1,
        }),
      },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'planner_output' } },
  };
}

function task(id: string, status: Task['status'], extra: Partial<Task> = {}): Task {
  return { id, title: id, description: '', completionCriteria: '', status, dependsOn: [], attempts: status === 'pending' ? 0 : 1, ...extra };
}

function tasksFromPlan(ops: PlannerOutput['operations']): Task[] {
  return ops.flatMap((o) => (o.op === 'add' ? [task(o.task.id, 'pending', { ...o.task, attempts: 0 })] : []));
}

describe('the planner prompt as the simulated planner reads it', () => {
  it('reads the trip out of the reference goal', () => {
    expect(readTrip(GOAL)).toEqual({ cities: ['Seoul', 'Tokyo', 'Kyoto'], start: '2026-12-01', days: 4, people: 2, trainDay: 2 });
  });

  it('plans the reference trip with independent searches, bookings that depend on them and a final itinerary', () => {
    const out = PlannerOutput.parse(planFor(request({ version: 0, tasks: [] })));
    const tasks = tasksFromPlan(out.operations);
    const ids = tasks.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['find-flight-seoul-tokyo', 'find-train-tokyo-kyoto', 'book-train-tokyo-kyoto', 'find-hotel-kyoto', 'itinerary']));
    const train = tasks.find((t) => t.id === 'find-train-tokyo-kyoto')!;
    expect(train.description).toMatch(/^Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers, departing after 08:30\./);
    expect(tasks.find((t) => t.id === 'book-train-tokyo-kyoto')!.dependsOn).toEqual(['find-train-tokyo-kyoto']);
    const independent = tasks.filter((t) => t.dependsOn.length === 0 && t.parentId === 'research');
    expect(independent.length).toBeGreaterThanOrEqual(2);
  });

  it('replaces a train booking that failed because the train sold out, and rewires the itinerary', () => {
    const graph: TaskGraph = {
      version: 3,
      tasks: [
        task('research', 'running'),
        task('bookings', 'running'),
        task('find-train-tokyo-kyoto', 'succeeded', {
          parentId: 'research',
          description: 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers. Prefer the Shinkansen (Nozomi).',
          report: { status: 'succeeded', summary: 'Chose NOZOMI-0900-2026-12-02', references: ['train:NOZOMI-0900-2026-12-02'], artifacts: [] },
        }),
        task('book-train-tokyo-kyoto', 'failed', { parentId: 'bookings', dependsOn: ['find-train-tokyo-kyoto'] }),
        task('book-flight-seoul-tokyo', 'running', { parentId: 'bookings' }),
        task('itinerary', 'pending', { dependsOn: ['book-train-tokyo-kyoto', 'book-flight-seoul-tokyo'] }),
      ],
    };
    const news: PlannerNews[] = [
      { kind: 'report', taskId: 'book-train-tokyo-kyoto', status: 'failed', summary: 'Could not book NOZOMI-0900-2026-12-02: sold out.', references: ['train:NOZOMI-0900-2026-12-02'], artifacts: [] },
    ];
    const out = PlannerOutput.parse(planFor(request(graph, news)));
    const added = tasksFromPlan(out.operations);
    const search = added.find((t) => t.id === 'find-train-tokyo-kyoto-2');
    expect(search?.description).toContain('departing after 09:00');
    expect(search?.description).toContain('excluding NOZOMI-0900-2026-12-02');
    expect(added.find((t) => t.id === 'book-train-tokyo-kyoto-2')?.dependsOn).toEqual(['find-train-tokyo-kyoto-2']);
    expect(out.operations).toContainEqual(expect.objectContaining({ op: 'skip', id: 'book-train-tokyo-kyoto' }));
    expect(out.operations).toContainEqual({ op: 'update', id: 'itinerary', patch: { dependsOn: ['book-flight-seoul-tokyo', 'book-train-tokyo-kyoto-2'] } });
  });

  it('replans on an outside event that sells out the chosen train before its booking started', () => {
    const graph: TaskGraph = {
      version: 3,
      tasks: [
        task('find-train-tokyo-kyoto', 'succeeded', {
          description: 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.',
          report: { status: 'succeeded', summary: 'ok', references: ['train:NOZOMI-0900-2026-12-02'], artifacts: [] },
        }),
        task('book-train-tokyo-kyoto', 'ready', { dependsOn: ['find-train-tokyo-kyoto'], attempts: 0 }),
      ],
    };
    const news: PlannerNews[] = [{ kind: 'external', message: 'The 09:00 Nozomi sold out', data: { disruption: { kind: 'sell_out_train', trainId: 'NOZOMI-0900-2026-12-02' } } }];
    const out = PlannerOutput.parse(planFor(request(graph, news)));
    expect(tasksFromPlan(out.operations).map((t) => t.id)).toEqual(['find-train-tokyo-kyoto-2', 'book-train-tokyo-kyoto-2']);
    expect(out.operations).toContainEqual(expect.objectContaining({ op: 'skip', id: 'book-train-tokyo-kyoto' }));
  });

  it('finishes with the final report as the answer once every task is done', () => {
    const graph: TaskGraph = { version: 9, tasks: [task('a', 'succeeded'), task('itinerary', 'succeeded', { dependsOn: ['a'] })] };
    const news: PlannerNews[] = [{ kind: 'report', taskId: 'itinerary', status: 'succeeded', summary: '# Itinerary\n\n- Day 1: fly\n- Day 2: train\n\nTotal ¥200,000', references: ['booking:TRV-1'], artifacts: ['itinerary.md (artifact:m/a)'] }];
    const out = PlannerOutput.parse(planFor(request(graph, news)));
    // The summary's Markdown lines survive the trip through the prompt.
    expect(out.operations).toEqual([{ op: 'finish', status: 'succeeded', answer: '# Itinerary\n\n- Day 1: fly\n- Day 2: train\n\nTotal ¥200,000', artifacts: [] }]);
  });

  it('waits while tasks run and nothing failed', () => {
    const graph: TaskGraph = { version: 2, tasks: [task('a', 'running'), task('b', 'pending', { dependsOn: ['a'] })] };
    expect(planFor(request(graph)).operations).toEqual([]);
  });

  it('does not pretend to answer a goal outside the demo world: it finishes failed, saying how to use a real model', () => {
    const out = PlannerOutput.parse(planFor(request({ version: 0, tasks: [] }, [], 'Explain how Redis streams order entries')));
    expect(tasksFromPlan(out.operations)).toHaveLength(0);
    expect(out.operations).toHaveLength(1);
    expect(out.operations[0]).toMatchObject({ op: 'finish', status: 'failed' });
    expect(out.operations[0]?.op === 'finish' && out.operations[0].answer).toMatch(/AIME_MODEL=openai:/);
  });
});

describe('planner answers and prompts', () => {
  it('rejects an answer that is not JSON with a message the model can act on', () => {
    const r = extractJson('Sure! Here is the plan');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/no JSON object.*Sure! Here is the plan/);
  });

  it('names the index, the operation and the path of a schema violation, and keeps the valid operations', () => {
    const value = { thought: '', operations: [{ op: 'add', task: { id: 'x' } }, { op: 'add', task: { id: 'y', title: 'Y' } }] };
    const r = readPlannerAnswer({ version: 0, tasks: [] }, value, new Date(0).toISOString());
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/operations\[0\] \(add "x"\): task\.title/);
    expect(r.graph.tasks.map((t) => t.id)).toEqual(['y']);
  });

  it('reads operations in the shapes small models write: type for op, a flat add, snake_case fields, one dependency as a string', () => {
    const value = {
      thought: 't',
      operations: [
        { type: 'ADD', id: 'search', title: 'Search', completion_criteria: 'found' },
        { op: 'add', task: { id: 'book', title: 'Book', depends_on: 'search' } },
      ],
    };
    const r = readPlannerAnswer({ version: 0, tasks: [] }, value, new Date(0).toISOString());
    expect(r.errors).toEqual([]);
    expect(r.graph.tasks.map((t) => [t.id, t.dependsOn, t.completionCriteria])).toEqual([
      ['search', [], 'found'],
      ['book', ['search'], ''],
    ]);
  });

  it('accepts an answer wrapped in a code fence', () => {
    const r = extractJson('```json\n{"thought":"t","operations":[]}\n```');
    expect(r).toMatchObject({ ok: true, value: { thought: 't', operations: [] } });
  });

  it('keeps secret-looking context keys out of the prompt', () => {
    const text = plannerUserPrompt({
      goal: 'g',
      context: { tripBudget: { amount: 1 }, apiKey: 'sk-live-123', nested: { password: 'hunter2' } },
      budget: DEFAULT_BUDGET,
      usage: EMPTY_USAGE,
      elapsedMs: 0,
      graph: { version: 0, tasks: [] },
      progressMarkdown: '',
      news: [],
      now: 'now',
      step: 1,
    });
    expect(text).not.toContain('sk-live-123');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('tripBudget');
    expect(redactContext({ token: 'x' })).toEqual({ token: '[redacted]' });
  });

  it('computes the stream id just before a given one', () => {
    expect(predecessorId('1700000000000-5')).toBe('1700000000000-4');
    expect(predecessorId('1700000000000-0')).toBe('1699999999999-18446744073709551615');
  });
});
