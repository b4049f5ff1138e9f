import type { Approval, Bundle, Event, Mission, MissionSummary } from '@aime/protocol';
import { isKnownEvent } from '@aime/protocol';
import { formatTokens } from './watch-render.ts';

const cut = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Rows of aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function missionsTable(items: MissionSummary[]): string {
  if (!items.length) return 'no missions';
  return table(
    ['ID', 'STATUS', 'TASKS', 'TOKENS', 'CREATED', 'GOAL'],
    items.map((m) => [m.id, m.status, `${m.progress.done}/${m.progress.total}`, formatTokens(m.usage.promptTokens + m.usage.completionTokens), m.createdAt.replace('T', ' ').slice(0, 19), cut(m.goal, 60)]),
  );
}

export function missionText(m: Mission): string {
  const u = m.usage;
  const lines = [
    `Mission ${m.id}  ${m.status}`,
    `  goal      ${m.goal}`,
    `  created   ${m.createdAt}   updated ${m.updatedAt}`,
    `  model     planner ${m.model.planner}, factory ${m.model.factory}, actor ${m.model.actor}${m.model.simulated ? '  (simulated model)' : ''}`,
    `  usage     ${formatTokens(u.promptTokens + u.completionTokens)} tokens, $${u.costUsd.toFixed(4)}${u.costKnown ? '' : ' (lower bound: a model had no price)'}, ${u.plannerSteps} planner steps, ${u.actors} actors`,
    `  budget    ${formatTokens(m.budget.maxTokens)} tokens, $${m.budget.maxCostUsd}, ${Math.round(m.budget.maxWallMs / 1000)} s, ${m.budget.maxPlannerSteps} steps, ${m.budget.maxParallelActors} parallel`,
    '',
    `Tasks (${m.tasks.length})`,
    ...m.tasks.map((t) => `  ${t.status.padEnd(9)}  ${t.id.padEnd(12)}  ${cut(t.title, 70)}${t.attempts > 1 ? ` (attempt ${t.attempts})` : ''}`),
  ];
  if (m.result) lines.push('', 'Result', ...m.result.answer.split('\n').map((l) => `  ${l}`));
  if (m.error) lines.push('', `Error  ${m.error.code}: ${m.error.message}`);
  return lines.join('\n');
}

/** A one-line summary of what an event says. */
export function eventSummary(e: Event): string {
  if (!isKnownEvent(e)) return '';
  switch (e.type) {
    case 'mission.created':
      return cut(e.data.goal, 80);
    case 'mission.status':
      return `${e.data.from} → ${e.data.to}${e.data.reason ? ` (${cut(e.data.reason, 60)})` : ''}`;
    case 'plan.updated':
      return `step ${e.data.step}, v${e.data.version}: ${e.data.operations.map((o) => o.op).join(', ') || 'no change'}`;
    case 'plan.rejected':
      return cut(e.data.errors.join('; '), 100);
    case 'task.dispatched':
      return `attempt ${e.data.attempt}`;
    case 'task.updated':
      return `${e.data.status}${e.data.reason ? `: ${cut(e.data.reason, 80)}` : ''}`;
    case 'actor.spawned':
      return `${e.data.persona.name}, tools ${e.data.tools.join(', ')}`;
    case 'actor.step':
      return e.data.toolCall ? `step ${e.data.step}: ${e.data.toolCall.name}` : `step ${e.data.step}`;
    case 'actor.progress':
      return `${e.data.status}: ${cut(e.data.message, 80)}`;
    case 'actor.reported':
      return `${e.data.report.status}: ${cut(e.data.report.summary, 80)}`;
    case 'approval.requested':
    case 'approval.resolved':
      return `${e.data.approval.id} ${e.data.approval.tool} ${e.data.approval.status}`;
    case 'world.event':
      return `${e.data.source}: ${cut(e.data.message, 80)}`;
    case 'usage':
      return `${e.data.role} ${e.data.model}: ${e.data.promptTokens}+${e.data.completionTokens} tokens`;
    case 'warning':
      return `${e.data.code}: ${cut(e.data.message, 80)}`;
    case 'mission.finished':
      return e.data.status + (e.data.error ? `: ${e.data.error.message}` : '');
    default:
      return '';
  }
}

export function eventLine(e: Event): string {
  const who = e.taskId ? ` [${e.taskId}]` : '';
  return `${e.id}  ${e.ts.slice(11, 23)}  ${e.type.padEnd(18)}${who} ${eventSummary(e)}`.trimEnd();
}

export function approvalsTable(items: Approval[]): string {
  if (!items.length) return 'no approvals';
  return table(
    ['APPROVAL', 'STATUS', 'MISSION', 'TASK', 'TOOL', 'REQUESTED', 'ARGS'],
    items.map((a) => [a.id, a.status, a.missionId, a.taskId, a.tool, a.requestedAt.replace('T', ' ').slice(0, 19), cut(JSON.stringify(a.args) ?? '', 60)]),
  );
}

export function toolsText(bundles: Bundle[]): string {
  if (!bundles.length) return 'no tools: no actor worker is running';
  return bundles
    .map((b) => [`${b.name}  (${b.workers} worker${b.workers === 1 ? '' : 's'})  ${b.description}`, ...b.tools.map((t) => `  ${t.name.padEnd(24)} ${t.sideEffects.padEnd(10)}${t.requiresApproval ? ' approval' : '         '}  ${cut(t.description, 70)}`)].join('\n'))
    .join('\n\n');
}
