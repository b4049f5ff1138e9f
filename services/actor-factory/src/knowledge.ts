import type { MissionRecord } from '@aime/store';
import type { Task, TaskGraph } from '@aime/protocol';

const SECRET_KEY = /(secret|password|passwd|token|api[-_]?key|apikey|credential|authorization|private[-_]?key|cookie|session)/i;

/** A copy of `value` without object keys that look like secrets, at any depth: they never reach a prompt. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !SECRET_KEY.test(k))
        .map(([k, v]) => [k, withoutSecrets(v)]),
    );
  }
  return value;
}

function dependencyBlock(dep: Task | undefined, id: string): string {
  if (!dep) return `#### Task \`${id}\`: no longer in the plan`;
  const head = `#### Task \`${dep.id}\` (${dep.title}): ${dep.report?.status ?? dep.status}`;
  if (!dep.report) return [head, dep.reason ? `Reason: ${dep.reason}` : 'No report.'].join('\n');
  const r = dep.report;
  const lines = [head, `Summary: ${r.summary}`];
  if (r.references.length) lines.push(`References: ${r.references.join(', ')}`);
  if (r.artifacts.length) lines.push(`Artifacts: ${r.artifacts.map((a) => `${a.name} (${a.uri})`).join(', ')}`);
  return lines.join('\n');
}

/**
 * AIME's knowledge for one actor: the mission context (secrets removed) and the reports,
 * references and artifact refs of the tasks this task depends on. Markdown, for the prompt.
 */
export function buildKnowledge(mission: Pick<MissionRecord, 'context'>, graph: TaskGraph, task: Task): string {
  const parts: string[] = [];
  const ctx = withoutSecrets(mission.context ?? {}) as Record<string, unknown>;
  if (Object.keys(ctx).length) parts.push('### Mission context', '```json', JSON.stringify(ctx, null, 2), '```');
  if (task.dependsOn.length) {
    const byId = new Map(graph.tasks.map((t) => [t.id, t]));
    parts.push('### Reports of the tasks this task depends on', ...task.dependsOn.map((id) => dependencyBlock(byId.get(id), id)));
  }
  return parts.length ? parts.join('\n') : '(nothing beyond the mission goal)';
}
