import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { BEGIN, NUDGE, stepMessages, type StepEntry } from './transcript.ts';

/** Tokens of step history sent to the actor model at most (system prompt and task message aside). @default 12000 */
export const DEFAULT_HISTORY_TOKENS = 12_000;

/** A rough token count that needs no tokenizer and errs on the safe side for English and JSON. */
export const estimateTokens = (chars: number): number => Math.ceil(chars / 4);

/** Room for the note that names the steps left out (it is ~200 characters). */
const GAP_NOTE_TOKENS = 60;
/** How long a thought of an elided step stays. */
const ELIDED_THOUGHT_CHARS = 200;

function textLength(m: BaseMessage): number {
  const c = m.content;
  const text = typeof c === 'string' ? c.length : JSON.stringify(c).length;
  const calls = m instanceof AIMessage ? JSON.stringify(m.tool_calls ?? []).length : 0;
  return text + calls;
}

function tokensOf(messages: BaseMessage[]): number {
  return estimateTokens(messages.reduce((n, m) => n + textLength(m), 0));
}

/**
 * A step shortened to its skeleton: the thought cut, each observation replaced by a one-line
 * note. The calls and their answers stay paired, as OpenAI requires.
 */
export function elidedStepMessages(e: StepEntry): BaseMessage[] {
  const thought = e.ai.content.length > ELIDED_THOUGHT_CHARS ? `${e.ai.content.slice(0, ELIDED_THOUGHT_CHARS)}…` : e.ai.content;
  const out: BaseMessage[] = [
    new AIMessage({ content: thought, tool_calls: e.ai.tool_calls.map((c) => ({ id: c.id, name: c.name, args: c.args, type: 'tool_call' as const })) }),
  ];
  for (const r of e.results) {
    const failed = r.observation.startsWith('Error');
    const note = `[step ${e.step}: the ${failed ? 'error' : 'result'} of ${r.name} (${r.observation.length} characters) is left out to fit the context${failed ? `; it began: ${r.observation.slice(0, 120)}` : ''}]`;
    out.push(new ToolMessage({ content: note, tool_call_id: r.toolCallId, name: r.name }));
  }
  if (e.ai.tool_calls.length === 0) out.push(new HumanMessage(NUDGE));
  return out;
}

/** What {@link contextMessages} sent and what it shortened. */
export interface ContextWindow {
  messages: BaseMessage[];
  /** Steps whose observations were replaced by one-line notes. */
  elided: number[];
  /** Steps left out entirely (named in one note). */
  dropped: number[];
}

/**
 * The messages for the actor's next model call, under a token budget for the step history:
 * the system prompt, the task message and the first step always; then the latest steps in
 * full, as many as fit (the last one even if it alone does not); the steps between are
 * shortened to their calls with one-line notes for the observations, and the oldest of those
 * are left out entirely when even that does not fit. Every assistant tool call keeps its
 * tool message. The stored transcript is not changed: only what the model is sent.
 */
export function contextMessages(systemPrompt: string, entries: StepEntry[], historyTokens = DEFAULT_HISTORY_TOKENS): ContextWindow {
  const head: BaseMessage[] = [new SystemMessage(systemPrompt), new HumanMessage(BEGIN)];
  const full = entries.map((e) => stepMessages(e.ai, e.results));
  const cost = full.map(tokensOf);
  if (cost.reduce((a, b) => a + b, 0) <= historyTokens || entries.length <= 2) {
    return { messages: [...head, ...full.flat()], elided: [], dropped: [] };
  }
  let left = historyTokens - cost[0]!;
  // The latest steps in full, newest first, while they fit (the very last always).
  let firstFull = entries.length - 1;
  left -= cost[firstFull]!;
  while (firstFull - 1 >= 1 && cost[firstFull - 1]! <= left) {
    firstFull--;
    left -= cost[firstFull]!;
  }
  // The steps between, shortened, newest first while they fit; older ones are dropped.
  const middle = entries.slice(1, firstFull);
  const shortened = middle.map(elidedStepMessages);
  const shortCost = shortened.map(tokensOf);
  // When not all of them fit, the note naming the left-out steps takes room too.
  if (shortCost.reduce((a, b) => a + b, 0) > left) left -= GAP_NOTE_TOKENS;
  const kept: BaseMessage[][] = [];
  let firstKept = middle.length;
  for (let i = middle.length - 1; i >= 0; i--) {
    const short = shortened[i]!;
    const c = shortCost[i]!;
    if (c > left) break;
    left -= c;
    kept.unshift(short);
    firstKept = i;
  }
  const dropped = middle.slice(0, firstKept).map((e) => e.step);
  const elided = middle.slice(firstKept).map((e) => e.step);
  const gap: BaseMessage[] = dropped.length
    ? [new HumanMessage(`[${dropped.length} earlier step(s), ${dropped[0]}-${dropped[dropped.length - 1]}, are left out here to fit the context window. Their results are not shown again: rely on your progress updates and the steps below.]`)]
    : [];
  return { messages: [...head, ...full[0]!, ...gap, ...kept.flat(), ...full.slice(firstFull).flat()], elided, dropped };
}
