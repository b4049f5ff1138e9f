import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { extractJson, stripReasoning } from '@aime/models';

/** One tool call as checkpointed; `invalidArgs` holds the raw text when it was not valid JSON. */
export interface StoredToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  invalidArgs?: string;
  invalidReason?: string;
}

/** The model's message of one step, as checkpointed. */
export interface StoredAi {
  content: string;
  tool_calls: StoredToolCall[];
}

export interface StoredResult {
  toolCallId: string;
  name: string;
  observation: string;
}

/** A checkpointed step: appended to the transcript once all its tool calls are done. */
export interface StepEntry {
  step: number;
  ai: StoredAi;
  results: StoredResult[];
}

/** Told to the model after a step in which it called no tool, so the loop moves on. */
export const NUDGE = 'Continue with the tools. When you are done or stuck, call submit_report.';
export const BEGIN = 'Begin. Work on your task with the tools, then call submit_report.';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (typeof p === 'string' ? p : p && typeof p === 'object' && 'text' in p && typeof p.text === 'string' ? p.text : ''))
      .join('');
  }
  return '';
}

/**
 * The storable form of a model message. Calls whose arguments were not valid JSON are kept
 * (with empty args) so that every call gets an answer and the history stays well-formed.
 * A call id already `taken` by an earlier step (some servers number calls per request, and
 * the history sent may be shortened) is made unique, so each tool message answers one call.
 */
export function storeAi(msg: AIMessage, step: number, taken: ReadonlySet<string> = new Set()): StoredAi {
  const calls: StoredToolCall[] = [];
  let n = 0;
  const idOf = (id: string | undefined): string => id || `step${step}_call${n}`;
  for (const tc of msg.tool_calls ?? []) {
    calls.push({ id: idOf(tc.id), name: tc.name, args: (tc.args ?? {}) as Record<string, unknown> });
    n++;
  }
  for (const bad of msg.invalid_tool_calls ?? []) {
    // Small slips in complete arguments (a trailing comma, single quotes) are repaired like
    // any model JSON. Arguments cut short are not: a repair would close a truncated value
    // ("NOZOMI-09…") and a side-effecting tool would act on it. Those go back as an error.
    const complete = typeof bad.args === 'string' && /^\s*\{[\s\S]*\}\s*$/.test(bad.args);
    const repaired = complete && bad.name ? extractJson(bad.args as string) : undefined;
    if (repaired?.ok && typeof repaired.value === 'object' && !Array.isArray(repaired.value)) {
      calls.push({ id: idOf(bad.id), name: bad.name!, args: repaired.value as Record<string, unknown> });
      n++;
      continue;
    }
    calls.push({
      id: idOf(bad.id),
      name: bad.name ?? 'unknown',
      args: {},
      invalidArgs: typeof bad.args === 'string' ? bad.args : JSON.stringify(bad.args ?? null),
      ...(bad.error ? { invalidReason: bad.error } : {}),
    });
    n++;
  }
  // LangChain splits valid and invalid calls; the model's own order is in the raw calls.
  const raw = msg.additional_kwargs?.tool_calls;
  const order = Array.isArray(raw) ? raw.map((c) => (c as { id?: string }).id) : [];
  const rank = (c: StoredToolCall): number => {
    const i = order.indexOf(c.id);
    return i < 0 ? order.length : i;
  };
  const used = new Set(taken);
  const sorted = [...calls].sort((a, b) => rank(a) - rank(b)).map((c, i) => {
    let id = c.id;
    if (used.has(id)) id = `${c.id}_s${step}c${i}`;
    used.add(id);
    return id === c.id ? c : { ...c, id };
  });
  // Reasoning blocks are not thoughts for the operators and would only fill the context.
  return { content: stripReasoning(textOf(msg.content)), tool_calls: sorted };
}

/** The call ids used by the given steps. */
export function callIds(entries: StepEntry[]): Set<string> {
  return new Set(entries.flatMap((e) => e.ai.tool_calls.map((c) => c.id)));
}

/** The messages of one step, the same whether it was just run or read back from the transcript. */
export function stepMessages(ai: StoredAi, results: StoredResult[]): BaseMessage[] {
  const out: BaseMessage[] = [
    new AIMessage({ content: ai.content, tool_calls: ai.tool_calls.map((c) => ({ id: c.id, name: c.name, args: c.args, type: 'tool_call' as const })) }),
  ];
  for (const r of results) out.push(new ToolMessage({ content: r.observation, tool_call_id: r.toolCallId, name: r.name }));
  if (ai.tool_calls.length === 0) out.push(new HumanMessage(NUDGE));
  return out;
}

/** The conversation so far: system prompt, the opening user message and every checkpointed step. */
export function rebuildMessages(systemPrompt: string, entries: StepEntry[]): BaseMessage[] {
  return [new SystemMessage(systemPrompt), new HumanMessage(BEGIN), ...entries.flatMap((e) => stepMessages(e.ai, e.results))];
}

function isStepEntry(v: unknown): v is StepEntry {
  if (!v || typeof v !== 'object') return false;
  const e = v as Partial<StepEntry>;
  return typeof e.step === 'number' && !!e.ai && Array.isArray(e.ai.tool_calls) && Array.isArray(e.results);
}

/** The valid step entries of a transcript, in order (a later duplicate of a step wins). */
export function readSteps(raw: unknown[]): StepEntry[] {
  const byStep = new Map<number, StepEntry>();
  for (const e of raw) if (isStepEntry(e)) byStep.set(e.step, e);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
