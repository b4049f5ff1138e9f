import type { z } from 'zod';

/** `passengers`, `rooms[0].nights`, or `(input)` for the root. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(input)' : out;
}

/** One line per issue, each led by its path, so a model can fix exactly the wrong field. */
export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string {
  return issues.map((issue) => `- ${formatPath(issue.path)}: ${issue.message}`).join('\n');
}
