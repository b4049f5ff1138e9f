import { leadingObject, writeIntent } from './grammar.ts';
import { slug, task, type Plan } from './trip-plan.ts';

/**
 * The plugin-demo phrase docs/plugins.md teaches: "Call `tool_name` with {json}". A goal may
 * name several calls, joined by "then", ";", commas or new lines: they run in the order
 * written, each once, each as its own task that depends on the one before.
 */

type Obj = Record<string, unknown>;

export interface ToolCallAsk {
  tool: string;
  args: Obj;
}

const CALL = /\bCall `([a-zA-Z0-9_-]{1,64})` with\s*(?=\{)/gi;

/** Every "Call `x` with {json}" in the text, in order; a call whose JSON does not parse is left out. */
export function readCalls(text: string): ToolCallAsk[] {
  const out: ToolCallAsk[] = [];
  for (const m of text.matchAll(CALL)) {
    const args = leadingObject(text.slice(m.index + m[0].length));
    if (args) out.push({ tool: m[1]!, args });
  }
  return out;
}

/** The task text of one call: the phrase the sim actor reads, alone, so it calls exactly once. */
export const callDescription = (c: ToolCallAsk): string => writeIntent({ kind: 'call', tool: c.tool, args: c.args });

/** One task per call, in order: each waits for the one before. */
export function callPlan(calls: ToolCallAsk[]): Plan {
  const ids: string[] = [];
  const operations = calls.map((c, i) => {
    let id = `call-${slug(c.tool).replace(/^-+|-+$/g, '')}`;
    for (let n = 2; ids.includes(id); n++) id = `call-${slug(c.tool).replace(/^-+|-+$/g, '')}-${n}`;
    ids.push(id);
    return task(id, undefined, `Call ${c.tool}`, callDescription(c), `${c.tool} was called once with exactly these arguments and its result is reported.`, i > 0 ? [ids[i - 1]!] : []);
  });
  const order = calls.map((c) => c.tool).join(', then ');
  return { thought: calls.length > 1 ? `Run the ${calls.length} calls in the order asked, one after the other: ${order}.` : `Call ${order} once and report its result.`, operations };
}

/** Whether the task table is a call plan (so the answer quotes every call's result). */
export const isCallTask = (id: string): boolean => /^call-[a-z0-9-]+$/.test(id);
