import { styleText } from 'node:util';
import type { TaskStatus } from '@aime/protocol';
import { progressOf, visibleTasks, type WatchNote, type WatchState, type WatchTask } from './watch-state.ts';

type Style = Parameters<typeof styleText>[0];

/** How a frame is drawn: width of the terminal, colours on or off, the spinner's phase. */
export interface RenderOptions {
  columns: number;
  color: boolean;
  /** Increases on every redraw; picks the spinner frame. */
  tick: number;
  /** Task lines at most (the rest summarised), so a frame fits a terminal. @default 20 */
  maxTasks?: number;
  /** Notes at most. @default 5 */
  maxNotes?: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const ICONS: Record<TaskStatus, { icon: string; style: Style }> = {
  pending: { icon: '○', style: 'gray' },
  ready: { icon: '○', style: 'white' },
  running: { icon: '', style: 'cyan' },
  blocked: { icon: '■', style: 'yellow' },
  succeeded: { icon: '✔', style: 'green' },
  failed: { icon: '✖', style: 'red' },
  cancelled: { icon: '⊘', style: 'gray' },
  skipped: { icon: '↷', style: 'gray' },
};

const NOTE_ICONS: Record<WatchNote['kind'], { icon: string; style: Style }> = {
  replan: { icon: '↻', style: 'magenta' },
  approval: { icon: '⏸', style: 'yellow' },
  world: { icon: '⚡', style: 'yellow' },
  failure: { icon: '✖', style: 'red' },
  warning: { icon: '!', style: 'yellow' },
  status: { icon: '•', style: 'blue' },
};

const MISSION_STYLE: Record<string, Style> = { succeeded: 'green', failed: 'red', cancelled: 'gray', paused: 'yellow', awaiting_approval: 'yellow' };

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : text;
}

/** A progress bar of `width` cells: `[██████░░░░]  6/10`. */
export function progressBar(done: number, total: number, width: number): string {
  const ratio = total === 0 ? 0 : Math.min(1, done / total);
  const full = Math.round(ratio * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)} ${String(done).padStart(String(total).length)}/${total} tasks ${Math.round(ratio * 100)}%`;
}

export function formatTokens(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/** The icon of a task (the spinner for a running one). */
export function taskIcon(status: TaskStatus, tick: number): string {
  return status === 'running' ? SPINNER[tick % SPINNER.length]! : ICONS[status].icon;
}

function taskLine(t: WatchTask, depth: number, o: RenderOptions, paint: (s: Style, t: string) => string): string {
  const { style } = ICONS[t.status];
  const head = `${'  '.repeat(depth + 1)}${taskIcon(t.status, o.tick)} `;
  const retry = t.attempts > 1 ? ` (attempt ${t.attempts})` : '';
  const detail = t.progress && (t.status === 'running' || t.status === 'failed' || t.status === 'blocked') ? ` — ${t.progress}` : '';
  return paint(style, truncate(`${head}${t.title}${retry}${detail}`, o.columns));
}

/** The tasks in tree order (children under their parent). */
function inTreeOrder(tasks: WatchTask[]): Array<{ task: WatchTask; depth: number }> {
  const ids = new Set(tasks.map((t) => t.id));
  const children = new Map<string | undefined, WatchTask[]>();
  for (const t of tasks) {
    const parent = t.parentId && ids.has(t.parentId) ? t.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), t]);
  }
  const out: Array<{ task: WatchTask; depth: number }> = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const t of children.get(parent) ?? []) {
      out.push({ task: t, depth });
      walk(t.id, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

/** One frame of `aime watch`: header, progress bar, task list, recent notes. Pure. */
export function renderFrame(s: WatchState, o: RenderOptions): string {
  const paint = (style: Style, text: string) => (o.color ? styleText(style, text) : text);
  const { done, total } = progressOf(s);
  const model = s.model ? `  ${s.model.planner}${s.model.simulated ? ' (simulated model)' : ''}` : '';
  const lines = [
    `Mission ${s.missionId}  ${paint(MISSION_STYLE[s.status] ?? 'cyan', s.status)}  ${formatTokens(s.tokens)} tokens  $${s.costUsd.toFixed(4)}${model}`,
  ];
  if (s.goal) lines.push(paint('dim', truncate(`  ${s.goal}`, o.columns)));
  lines.push(`  ${progressBar(done, total, Math.max(10, Math.min(40, o.columns - 30)))}${s.replans ? paint('magenta', `  ↻ ${s.replans} replan${s.replans > 1 ? 's' : ''}`) : ''}`);
  const ordered = inTreeOrder(visibleTasks(s));
  const maxTasks = o.maxTasks ?? 20;
  // Running and failed tasks matter most when the list is longer than the screen.
  const shown = ordered.length <= maxTasks ? ordered : [...ordered.filter((x) => x.task.status === 'running' || x.task.status === 'failed'), ...ordered.filter((x) => x.task.status !== 'running' && x.task.status !== 'failed')].slice(0, maxTasks);
  for (const { task, depth } of ordered) if (shown.some((x) => x.task === task)) lines.push(taskLine(task, depth, o, paint));
  if (shown.length < ordered.length) lines.push(paint('dim', `    … ${ordered.length - shown.length} more`));
  for (const [id, a] of s.pendingApprovals) lines.push(paint('yellow', truncate(`  ⏸ waiting for approval of ${a.tool}: aime approve ${id}  |  aime reject ${id}`, o.columns)));
  const notes = s.notes.slice(-(o.maxNotes ?? 5));
  if (notes.length) lines.push('');
  for (const n of notes) lines.push(paint(NOTE_ICONS[n.kind].style, truncate(`  ${NOTE_ICONS[n.kind].icon} ${n.text}`, o.columns)));
  if (s.finished) {
    lines.push('');
    const f = s.finished;
    lines.push(paint(MISSION_STYLE[f.status] ?? 'white', `  ${f.status === 'succeeded' ? '✔' : f.status === 'failed' ? '✖' : '⊘'} mission ${f.status}`));
    if (f.answer) lines.push(...f.answer.split('\n').slice(0, 40).map((l) => truncate(`  ${l}`, o.columns)));
    if (f.error) lines.push(paint('red', truncate(`  ${f.error}`, o.columns)));
  }
  return lines.join('\n');
}

/** The line printed for a task's new status when output is not a terminal (`aime watch | cat`). */
export function taskChangeLine(t: WatchTask): string {
  const icon = t.status === 'running' ? '▶' : ICONS[t.status].icon;
  const retry = t.attempts > 1 ? ` (attempt ${t.attempts})` : '';
  return `${icon} ${t.status.padEnd(9)} ${t.title}${retry}`;
}

export function noteLine(n: WatchNote): string {
  return `${NOTE_ICONS[n.kind].icon} ${n.text}`;
}
