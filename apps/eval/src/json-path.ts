/**
 * The value at a JSONPath of the small form the suites use: `$`, then `.name` and `[index]`
 * steps (`$.result.answer`, `$.usage.costUsd`, `$.tasks[0].status`). Filters and wildcards are
 * not needed by a per-goal check; a checker module covers anything richer.
 * @returns undefined when a step does not exist
 */
export function readJsonPath(root: unknown, path: string): unknown {
  const steps = [...path.matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)];
  let cur: unknown = root;
  for (const [, name, index] of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = name !== undefined ? (cur as Record<string, unknown>)[name] : (cur as unknown[])[Number(index)];
  }
  return cur;
}
