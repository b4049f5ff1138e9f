import type { SimRequest } from '@aime/sim';

/** A row of the planner prompt's task table, as the sim reads it back. */
export interface TableTask {
  id: string;
  status: string;
  parentId?: string;
  dependsOn: string[];
  attempts: number;
  refs: string[];
  /** Why the task is blocked, when it is. */
  reason?: string;
  title: string;
  description: string;
}

export type News =
  | { kind: 'report'; taskId: string; status: string; summary: string; references: string[] }
  | { kind: 'external'; message: string; data?: Record<string, unknown> }
  | { kind: 'operator'; text: string };

export interface PlannerView {
  goal: string;
  context: Record<string, unknown>;
  tasks: TableTask[];
  news: News[];
  /** The text of the progress list (for answers composed from it). */
  progress: string;
  /** Rejections of an earlier answer in this request (repair round). */
  rejected: boolean;
  /** Today (YYYY-MM-DD) from the prompt's `now:` line, for dates written without a year. */
  today?: string;
}

function section(text: string, title: string): string {
  const re = new RegExp(`^## ${title}\\n([\\s\\S]*?)(?=^## |$(?![\\s\\S]))`, 'm');
  return re.exec(text)?.[1]?.trim() ?? '';
}

function parseTaskLine(line: string): TableTask | null {
  if (!line.startsWith('- id: ')) return null;
  const fields = new Map<string, string>();
  // Fields are "; "-separated; description is last and may hold "; " itself.
  const descAt = line.indexOf('; description: ');
  const head = descAt >= 0 ? line.slice(2, descAt) : line.slice(2);
  for (const part of head.split('; ')) {
    const i = part.indexOf(': ');
    if (i > 0) fields.set(part.slice(0, i), part.slice(i + 2));
  }
  const list = (v: string | undefined) => (!v || v === '-' ? [] : v.split(',').map((s) => s.trim()).filter(Boolean));
  const id = fields.get('id');
  if (!id) return null;
  return {
    id,
    status: fields.get('status') ?? 'pending',
    ...(fields.get('parent') ? { parentId: fields.get('parent')! } : {}),
    dependsOn: list(fields.get('depends on')),
    attempts: Number(fields.get('attempts') ?? 0),
    refs: list(fields.get('refs')),
    ...(fields.get('reason') ? { reason: fields.get('reason')! } : {}),
    title: fields.get('title') ?? '',
    description: descAt >= 0 ? line.slice(descAt + '; description: '.length) : '',
  };
}

/** News items are "- " lines; a report's summary continues on lines indented by two spaces. */
function splitItems(text: string): string[] {
  const items: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('- ')) items.push(line);
    else if (line.startsWith('  ') && items.length) items[items.length - 1] += `\n${line.slice(2)}`;
  }
  return items;
}

function parseNewsItem(item: string): News | null {
  const report = /^- Report from task `([^`]+)` \((\w+)\): ([\s\S]*)$/.exec(item);
  if (report) {
    const lines = report[3]!.split('\n');
    const refs = lines.find((l) => l.startsWith('References: '));
    const summary = lines.filter((l) => !l.startsWith('References: ') && !l.startsWith('Artifacts: ')).join('\n').trim();
    return {
      kind: 'report',
      taskId: report[1]!,
      status: report[2]!,
      summary,
      references: refs ? refs.slice('References: '.length).split(',').map((s) => s.trim()).filter(Boolean) : [],
    };
  }
  const ext = /^- Outside event: (.*?)(?: Data: (\{.*\}))?$/.exec(item);
  if (ext) {
    let data: Record<string, unknown> | undefined;
    try {
      data = ext[2] ? (JSON.parse(ext[2]) as Record<string, unknown>) : undefined;
    } catch {
      data = undefined;
    }
    return { kind: 'external', message: ext[1]!, ...(data ? { data } : {}) };
  }
  if (item.startsWith('- Operator: ')) return { kind: 'operator', text: item.slice(12) };
  return null;
}

/** Reads the planner prompt back into data, as a model would read it. */
export function readPlannerView(req: SimRequest): PlannerView {
  const users = req.messages.filter((m) => m.role === 'user');
  const first = users[0]?.content ?? '';
  let context: Record<string, unknown> = {};
  const ctx = /```json\n([\s\S]*?)\n```/.exec(section(first, 'Mission context'));
  if (ctx?.[1]) {
    try {
      context = JSON.parse(ctx[1]) as Record<string, unknown>;
    } catch {
      context = {};
    }
  }
  const today = /^now: (\d{4}-\d{2}-\d{2})/m.exec(section(first, 'Budget'))?.[1];
  return {
    goal: section(first, 'Goal'),
    context,
    tasks: section(first, 'Task table').split('\n').map(parseTaskLine).filter((t): t is TableTask => t !== null),
    news: splitItems(section(first, 'New since your last step')).map(parseNewsItem).filter((n): n is News => n !== null),
    progress: section(first, 'Progress list'),
    rejected: users.length > 1,
    ...(today ? { today } : {}),
  };
}
