import type { MissionRecord } from '@aime/store';
import { isSecretKey, redact, type Task, type TaskGraph } from '@aime/protocol';

/**
 * A copy of `value` without object keys that look like secrets, at any depth, and with
 * secret-looking strings redacted: they never reach a prompt. The keys and patterns are those
 * of the one redactor (`redact` of @aime/protocol); here secret keys are dropped, not kept as
 * `[redacted]`, so the prompt does not even name them.
 */
export function withoutSecrets(value: unknown): unknown {
  // `redact` has already cut cycles and deep nesting, so this walk ends.
  const drop = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(drop);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([k]) => !isSecretKey(k))
          .map(([k, x]) => [k, drop(x)]),
      );
    }
    return v;
  };
  return drop(redact(value));
}

/** How much of the dependencies' reports an actor's knowledge holds. */
export interface KnowledgeLimits {
  /** Characters of one dependency's block at most. @default 2000 */
  perDependencyChars?: number;
  /** Characters of all dependency blocks together at most. @default 8000 */
  totalChars?: number;
}

export const DEFAULT_KNOWLEDGE_LIMITS: Required<KnowledgeLimits> = { perDependencyChars: 2_000, totalChars: 8_000 };
/** Below this, a block keeps only its head and references: a summary cut shorter says nothing. */
const MIN_BLOCK_CHARS = 300;

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`);

/** Where the whole report of a cut dependency is, so the actor (or an operator) can go and read it. */
function whereFull(dep: Task): string {
  const docs = dep.report?.artifacts ?? [];
  return docs.length
    ? `the full report's documents are ${docs.map((a) => `${a.name} (${a.uri})`).join(', ')}: read them with read_artifact`
    : `the full report stays with task \`${dep.id}\` in the plan`;
}

/**
 * One dependency's block, at most `max` characters: the summary is what gets cut (the head,
 * references and artifact refs are what later tasks act on), with a note of what was cut and
 * where the whole report is.
 */
function dependencyBlock(dep: Task | undefined, id: string, max: number): string {
  if (!dep) return `#### Task \`${id}\`: no longer in the plan`;
  const head = `#### Task \`${dep.id}\` (${dep.title}): ${dep.report?.status ?? dep.status}`;
  if (!dep.report) return cut([head, dep.reason ? `Reason: ${dep.reason}` : 'No report.'].join('\n'), max);
  const r = dep.report;
  const tail: string[] = [];
  if (r.references.length) tail.push(`References: ${r.references.join(', ')}`);
  if (r.artifacts.length) tail.push(`Artifacts: ${r.artifacts.map((a) => `${a.name} (${a.uri})`).join(', ')}`);
  const whole = [head, `Summary: ${r.summary}`, ...tail].join('\n');
  if (whole.length <= max) return whole;
  const note = `[summary cut to fit: showing SHOWN of ${r.summary.length} characters; ${whereFull(dep)}]`;
  const fixed = [head, ...tail].join('\n').length + note.length + '\nSummary: \n'.length + 8;
  const room = Math.max(0, max - fixed);
  const shown = r.summary.slice(0, room);
  const lines = [head, ...(room > 0 ? [`Summary: ${shown}…`] : []), ...tail, note.replace('SHOWN', String(shown.length))];
  // References and refs alone may be over the limit: they are cut last, and only then.
  return cut(lines.join('\n'), max);
}

/**
 * The dependency blocks within the limits: each gets an equal share of the total (never more
 * than the per-dependency limit); when even the smallest useful block does not fit for all,
 * the last ones are named in a line instead.
 */
function dependencyBlocks(byId: Map<string, Task>, ids: string[], limits: Required<KnowledgeLimits>): string[] {
  const fits = Math.max(1, Math.floor(limits.totalChars / MIN_BLOCK_CHARS));
  const shown = ids.slice(0, fits);
  const share = Math.min(limits.perDependencyChars, Math.floor(limits.totalChars / shown.length));
  const blocks = shown.map((id) => dependencyBlock(byId.get(id), id, share));
  const rest = ids.slice(fits);
  if (rest.length) blocks.push(`(${rest.length} more dependency report(s) left out to fit: ${rest.map((id) => `\`${id}\``).join(', ')}; they stay with their tasks in the plan)`);
  return blocks;
}

/**
 * AIME's knowledge for one actor: the mission context (secrets removed) and the reports,
 * references and artifact refs of the tasks this task depends on, each report cut to its
 * share of the limits with a note of what was cut. Markdown, for the prompt.
 */
export function buildKnowledge(mission: Pick<MissionRecord, 'context'>, graph: TaskGraph, task: Task, limits: KnowledgeLimits = {}): string {
  const lim = { ...DEFAULT_KNOWLEDGE_LIMITS, ...limits };
  const parts: string[] = [];
  const ctx = withoutSecrets(mission.context ?? {}) as Record<string, unknown>;
  if (Object.keys(ctx).length) parts.push('### Mission context', '```json', JSON.stringify(ctx, null, 2), '```');
  if (task.dependsOn.length) {
    const byId = new Map(graph.tasks.map((t) => [t.id, t]));
    parts.push('### Reports of the tasks this task depends on', ...dependencyBlocks(byId, task.dependsOn, lim));
  }
  return parts.length ? parts.join('\n') : '(nothing beyond the mission goal)';
}
