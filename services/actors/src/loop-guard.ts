/**
 * Guards of the ReAct loop against what small models do: answer in prose instead of calling a
 * tool, call the same tool with the same arguments over and over, or run out of steps without
 * reporting. Pure functions of the checkpointed steps, so a resumed actor decides the same.
 */
import type { Report } from '@aime/protocol';
import { UPDATE_PROGRESS } from './builtin-tools.ts';
import type { StepEntry, StoredToolCall } from './transcript.ts';

/** Text-only answers in a row after which the next model call must call a tool. */
export const TEXT_ONLY_LIMIT = 2;
/** Identical calls in a row that are flagged to the model and counted as a stall. */
export const REPEAT_LIMIT = 3;
/** Steps before the limit from which the model is told how many remain. */
export const STEPS_LEFT_WARNING = 2;

/** How many of the last steps answered with text only. */
export function textOnlyStreak(entries: StepEntry[]): number {
  let n = 0;
  for (let i = entries.length - 1; i >= 0 && entries[i]!.ai.tool_calls.length === 0; i--) n++;
  return n;
}

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, stable(x)]));
  }
  return v;
}

/** A call's identity: its tool and its arguments, whatever their key order. */
export function callKey(call: StoredToolCall): string {
  return `${call.name} ${call.invalidArgs ?? JSON.stringify(stable(call.args))}`;
}

/**
 * How many times in a row, ending with `call`, the same call was made: over the checkpointed
 * steps and the calls of the current step before it.
 */
export function repeatCount(entries: StepEntry[], earlierInStep: StoredToolCall[], call: StoredToolCall): number {
  const key = callKey(call);
  const before = [...entries.flatMap((e) => e.ai.tool_calls), ...earlierInStep];
  let n = 1;
  for (let i = before.length - 1; i >= 0 && callKey(before[i]!) === key; i--) n++;
  return n;
}

/** Appended to the observation of a call repeated {@link REPEAT_LIMIT} times or more. */
export function repeatNote(name: string, times: number): string {
  return `\n[Note: you called ${name} with the same arguments ${times} times in a row; calling it again will not change the answer. Use what you already have, change the arguments, or call submit_report with your findings.]`;
}

/** The message telling the model how many steps remain, from {@link STEPS_LEFT_WARNING} steps before the limit. */
export function stepsLeftMessage(step: number, maxSteps: number): string | undefined {
  const left = maxSteps - step;
  if (left > STEPS_LEFT_WARNING || left < 1) return undefined;
  return left === 1
    ? `This is your last step (step limit ${maxSteps}). Call submit_report now with what you found so far; if the task is not done, say so and report failed.`
    : `You have ${left} steps left of your limit of ${maxSteps}, this one included. Finish now: call submit_report with what you found so far.`;
}

const FINDINGS_CHARS = 3_000;
const FINDING_CHARS = 600;
const FINDINGS_MAX = 6;

/**
 * The report of an actor that reached its step limit: failed, with what it found so far (its
 * progress messages and the last tool results, newest last, bounded), so the planner can use
 * the work done.
 */
export function stepLimitReport(maxSteps: number, entries: StepEntry[]): Report {
  const found: string[] = [];
  let used = 0;
  const cut = (s: string): string => (s.length > FINDING_CHARS ? `${s.slice(0, FINDING_CHARS)}…` : s).replace(/\s+/g, ' ').trim();
  outer: for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    const lines: string[] = [];
    e.ai.tool_calls.forEach((c, k) => {
      if (c.name === UPDATE_PROGRESS) {
        const msg = typeof c.args.message === 'string' ? c.args.message : '';
        if (msg) lines.push(`- step ${e.step}, progress: ${cut(msg)}`);
        return;
      }
      const r = e.results[k];
      if (r) lines.push(`- step ${e.step}, ${c.name}: ${cut(r.observation)}`);
    });
    if (e.ai.tool_calls.length === 0 && e.ai.content.trim()) lines.push(`- step ${e.step}, thought: ${cut(e.ai.content)}`);
    for (const line of lines.reverse()) {
      if (found.length >= FINDINGS_MAX || used + line.length > FINDINGS_CHARS) break outer;
      found.unshift(line);
      used += line.length;
    }
  }
  const head = `The actor gave up after ${maxSteps} steps without a report.`;
  return {
    status: 'failed',
    summary: found.length ? `${head} Findings so far (latest last):\n${found.join('\n')}` : head,
    references: [],
    artifacts: [],
  };
}

/**
 * The report made of a text answer the model gave even when a tool call was required: the
 * text is taken as its conclusion. An empty answer is a failure.
 */
export function textReport(text: string): Report {
  const summary = text.trim().slice(0, 8000);
  return summary
    ? { status: 'succeeded', summary, references: [], artifacts: [] }
    : { status: 'failed', summary: 'The actor ended with an empty answer instead of a report.', references: [], artifacts: [] };
}
