import { isKnownEvent } from '@aime/protocol';
import type { Event } from '@aime/protocol';
import { formatCost, shortJson } from './format.ts';

/** A one-line human summary of an event for the timeline. */
export function eventSummary(e: Event): string {
  if (!isKnownEvent(e)) return shortJson(e.data);
  switch (e.type) {
    case 'mission.created':
      return e.data.goal;
    case 'mission.status':
      return `${e.data.from} → ${e.data.to}${e.data.reason ? `: ${e.data.reason}` : ''}`;
    case 'plan.updated': {
      const parts = [`v${e.data.version}, step ${e.data.step}`];
      if (e.data.added.length) parts.push(`+${e.data.added.length} added`);
      if (e.data.changed.length) parts.push(`${e.data.changed.length} changed`);
      if (e.data.removed.length) parts.push(`${e.data.removed.length} removed`);
      return `${parts.join(', ')}${e.data.thought ? ` — ${e.data.thought}` : ''}`;
    }
    case 'plan.rejected':
      return `step ${e.data.step}: ${e.data.errors.join('; ')}`;
    case 'task.dispatched':
      return `attempt ${e.data.attempt}`;
    case 'task.updated':
      return `${e.data.status}${e.data.reason ? `: ${e.data.reason}` : ''}`;
    case 'actor.spawned':
      return `${e.data.persona.name} (${e.data.persona.role}) with ${e.data.bundles.join(', ') || 'no bundles'}`;
    case 'actor.step': {
      const call = e.data.toolCall ? ` → ${e.data.toolCall.name}(${shortJson(e.data.toolCall.args, 80)})` : '';
      return `#${e.data.step} ${e.data.thought}${call}`;
    }
    case 'actor.progress':
      return `[${e.data.status}] ${e.data.message}`;
    case 'actor.reported':
      return `${e.data.report.status}: ${e.data.report.summary}`;
    case 'approval.requested':
      return `${e.data.approval.tool} needs approval`;
    case 'approval.resolved':
      return `${e.data.approval.tool} ${e.data.approval.status}`;
    case 'world.event':
      return `(${e.data.source}) ${e.data.message}`;
    case 'usage': {
      const extra = [
        e.data.cachedPromptTokens ? `${e.data.cachedPromptTokens} cached` : '',
        e.data.reasoningTokens ? `${e.data.reasoningTokens} reasoning` : '',
      ].filter(Boolean);
      const cost = e.data.costSource === 'unknown' ? 'no price' : `${formatCost(e.data.costUsd)}${e.data.costSource === 'provider' ? ' (provider)' : ''}`;
      return `${e.data.role} ${e.data.model}: ${e.data.promptTokens}+${e.data.completionTokens} tokens${extra.length ? ` (${extra.join(', ')})` : ''}, ${cost}`;
    }
    case 'warning':
      return `⚠ ${e.data.message}`;
    case 'mission.finished':
      return `${e.data.status}${e.data.error ? `: ${e.data.error.message}` : ''}`;
    default:
      return '';
  }
}

/** Timeline filters; empty means "all". */
export interface EventFilter {
  type?: string;
  taskId?: string;
}

export function filterEvents(events: readonly Event[], f: EventFilter): readonly Event[] {
  if (!f.type && !f.taskId) return events;
  return events.filter((e) => (!f.type || e.type === f.type) && (!f.taskId || e.taskId === f.taskId));
}

/** The distinct event types and task ids present, for the filter menus. */
export function filterOptions(events: readonly Event[]): { types: string[]; taskIds: string[] } {
  const types = new Set<string>();
  const tasks = new Set<string>();
  for (const e of events) {
    types.add(e.type);
    if (e.taskId) tasks.add(e.taskId);
  }
  return { types: [...types].sort(), taskIds: [...tasks].sort() };
}
