import { describe, expect, it } from 'vitest';
import { renderProgressMarkdown } from '@aime/core';
import { DEFAULT_BUDGET, EMPTY_USAGE, type Task, type TaskGraph } from '@aime/protocol';
import { plannerUserPrompt } from '../src/planner/prompt.ts';

/**
 * A mission of `n` tasks in groups of 10 (each group's tasks in sequence, each group after the
 * one before), the first `done` leaves succeeded with a report, the next one running.
 */
function mission(n: number, done: number): TaskGraph {
  const tasks: Task[] = [];
  let leaf = 0;
  for (let g = 0; leaf < n; g++) {
    tasks.push({ id: `phase-${g}`, title: `Phase ${g}`, description: '', completionCriteria: '', status: 'pending', dependsOn: g > 0 ? [`phase-${g - 1}`] : [], attempts: 0 });
    for (let i = 0; i < 10 && leaf < n; i++, leaf++) {
      const status: Task['status'] = leaf < done ? 'succeeded' : leaf === done ? 'running' : 'pending';
      tasks.push({
        id: `step-${leaf}`,
        parentId: `phase-${g}`,
        title: `Step ${leaf}`,
        description: `Carry out step ${leaf} of the synthetic mission and report what it produced, with one reference.`,
        completionCriteria: 'A report with one reference.',
        status,
        dependsOn: i > 0 ? [`step-${leaf - 1}`] : [],
        attempts: status === 'pending' ? 0 : 1,
        ...(status === 'succeeded' ? { report: { status: 'succeeded' as const, summary: `Step ${leaf} produced item ${leaf}.`, references: [`item:${leaf}`], artifacts: [] } } : {}),
      });
    }
  }
  for (const p of tasks.filter((t) => t.parentId === undefined)) {
    const kids = tasks.filter((t) => t.parentId === p.id);
    p.status = kids.every((k) => k.status === 'succeeded') ? 'succeeded' : kids.some((k) => k.status !== 'pending') ? 'running' : 'pending';
  }
  return { version: 1, tasks };
}

const prompt = (graph: TaskGraph) =>
  plannerUserPrompt({ goal: 'bench: synthetic mission', budget: DEFAULT_BUDGET, usage: EMPTY_USAGE, elapsedMs: 0, graph, progressMarkdown: renderProgressMarkdown(graph), news: [], now: '2026-12-01T00:00:00.000Z', step: 1 });

describe('the planner prompt of a big plan', () => {
  it('grows with the open frontier, not with the history: 500 tasks cost at most twice 100', () => {
    const at100 = prompt(mission(100, 50)).length;
    const at500 = prompt(mission(500, 250)).length;
    expect(at500).toBeLessThanOrEqual(2 * at100);
  });

  it('lists the running task, its next one and the next phase, and sums up runs of finished and waiting phases in one line each', () => {
    const table = prompt(mission(500, 250)).split('## Task table\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(table.map((l) => /^- id: ([^;]+);/.exec(l)?.[1] ?? l.slice(0, 40))).toEqual([
      'phase-25',
      'step-250',
      'step-251',
      'phase-26',
      'step-260',
      '- hidden: 275 tasks of 25 groups `phase-',
      '- hidden: 270 tasks of 25 groups `phase-',
    ]);
    expect(table[5]).toBe('- hidden: 275 tasks of 25 groups `phase-0` … `phase-24`: 275 succeeded; `phase-0` … `step-249`. Already in the plan: do not add them again. Expand a group with {"op":"expand","id":"<group id>"}.');
  });
});
