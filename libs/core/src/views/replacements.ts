import type { Task } from '@aime/protocol';

/** `replaced by <id>` in a skip reason: how a planner links a task to its replacement. */
const REPLACED_BY = /\breplaced by ([A-Za-z0-9_.:-]+)/i;

/** The id a skipped task names as its replacement, when it exists in the graph. */
function replacementOf(t: Pick<Task, 'status' | 'reason'>, ids: ReadonlySet<string>): string | undefined {
  if (t.status !== 'skipped' && t.status !== 'cancelled') return undefined;
  const m = REPLACED_BY.exec(t.reason ?? '');
  const id = m?.[1]?.replace(/[.:]+$/, '');
  return id !== undefined && ids.has(id) ? id : undefined;
}

/**
 * The tasks with `replacedBy` set on each task a replan replaced (its skip reason names the
 * replacement), and `stale` on a succeeded task whose result no longer holds: every task that
 * used it was replaced. A stale task's own `replacedBy` is the task its dependents'
 * replacement uses instead (the new search for a new booking).
 */
export function withReplacements<T extends Task>(tasks: readonly T[]): T[] {
  const ids = new Set(tasks.map((t) => t.id));
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const replaced = new Map<string, string>();
  for (const t of tasks) {
    const r = replacementOf(t, ids);
    if (r && r !== t.id) replaced.set(t.id, r);
  }
  const dependents = new Map<string, T[]>();
  for (const t of tasks) for (const d of t.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), t]);
  return tasks.map((t) => {
    const by = replaced.get(t.id);
    if (by) return { ...t, replacedBy: by };
    const users = dependents.get(t.id) ?? [];
    if (t.status !== 'succeeded' || users.length === 0 || !users.every((u) => replaced.has(u.id))) return t;
    // What the replacements depend on that the replaced tasks did not: the task standing in for this one.
    const instead = new Set<string>();
    for (const u of users) {
      const next = byId.get(replaced.get(u.id) ?? '');
      for (const d of next?.dependsOn ?? []) if (!u.dependsOn.includes(d) && d !== t.id) instead.add(d);
    }
    const stand = instead.size === 1 ? [...instead][0] : undefined;
    return { ...t, stale: true, ...(stand ? { replacedBy: stand } : {}) };
  });
}

/** One replacement, for texts: what was replaced, by what, and why. */
export interface Replacement {
  from: Pick<Task, 'id' | 'title'>;
  to: Pick<Task, 'id' | 'title'>;
  reason: string;
}

/** Every replacement in the graph (skipped tasks naming their replacement), in graph order. */
export function replacements(tasks: readonly Task[]): Replacement[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const out: Replacement[] = [];
  for (const t of withReplacements(tasks)) {
    if (!t.replacedBy || t.stale) continue;
    const to = byId.get(t.replacedBy);
    if (to) out.push({ from: { id: t.id, title: t.title }, to: { id: to.id, title: to.title }, reason: (t.reason ?? '').replace(REPLACED_BY, '').replace(/^[\s:;,.-]+/, '').trim() });
  }
  return out;
}

/**
 * The final answer with the disruptions the mission handled named at its end ("Changes along
 * the way"), so the caller learns that the plan changed and why. An answer that already says
 * so, or a mission that replaced nothing, is returned as is.
 */
export function answerWithDisruptions(answer: string, tasks: readonly Task[]): string {
  const list = replacements(tasks);
  if (!list.length || /changes along the way/i.test(answer)) return answer;
  const lines = list.map((r) => `- ${r.from.title} (${r.from.id}) was replaced by ${r.to.title} (${r.to.id})${r.reason ? `: ${r.reason}` : ''}`);
  return `${answer.trimEnd()}\n\n## Changes along the way\n\n${lines.join('\n')}\n`;
}
