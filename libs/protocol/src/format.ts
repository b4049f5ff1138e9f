/*
 * Messages made from errors, one way everywhere: browser-safe (no Node imports), no zod import
 * (an issue is read structurally, so zod 3 issues of a LangChain tool and zod 4 issues both fit).
 */

/** The message of anything thrown: an `Error`'s message, else the value as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The parts of a zod issue a message needs. */
export interface IssueLike {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
}

/**
 * A zod issue path as people write it: `passengers`, `rooms[0].nights`; `root` for the empty path.
 * @default root '(input)'
 */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>, root = '(input)'): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? root : out;
}

/** How `formatIssues` lays issues out. */
export interface FormatIssuesOptions {
  /**
   * `list`: one `- path: message` line per issue (for a model or a multi-line error);
   * `inline`: `path: message` joined with `; ` (for a one-line log or error message).
   * @default 'list'
   */
  style?: 'list' | 'inline';
  /**
   * What the empty path is called.
   * @default '(input)'
   */
  root?: string;
}

/** zod issues as text, each led by its path, so a reader (or a model) can fix exactly the wrong field. */
export function formatIssues(issues: ReadonlyArray<IssueLike>, options: FormatIssuesOptions = {}): string {
  const { style = 'list', root } = options;
  const lines = issues.map((i) => `${formatIssuePath(i.path, root)}: ${i.message}`);
  return style === 'list' ? lines.map((l) => `- ${l}`).join('\n') : lines.join('; ');
}
