// TEMPORARY: stands in for @aime/core's resolveBudget/renderProgressMarkdown until that lib lands.
import { DEFAULT_BUDGET, type Budget, type ResolvedBudget, type TaskGraph } from '@aime/protocol';

export function resolveBudget(budget?: Budget): ResolvedBudget {
  return { ...DEFAULT_BUDGET, ...Object.fromEntries(Object.entries(budget ?? {}).filter(([, v]) => v !== undefined)) };
}

export function renderProgressMarkdown(graph: TaskGraph): string {
  return graph.tasks.map((t) => `- [${t.status === 'succeeded' ? 'x' : ' '}] ${t.title}`).join('\n');
}
