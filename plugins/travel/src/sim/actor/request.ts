import { section, type SimRequest } from '@aime/sim';

/**
 * Reading an actor's request: its system prompt (goal, task, knowledge), the tools it was
 * given and the calls it made so far with their results. Only what the request carries.
 */

export interface PastCall {
  name: string;
  args: unknown;
  result?: string;
}

export interface ActorCtx {
  req: SimRequest;
  system: string;
  title: string;
  /** The task section of the prompt (id, title, description, completion criteria). */
  task: string;
  calls: PastCall[];
  tools: string[];
}

/** Every tool call the assistant made so far, with the tool's answer when there is one. */
export function pastCalls(req: SimRequest): PastCall[] {
  const calls: Array<PastCall & { id: string }> = [];
  for (const m of req.messages) {
    if (m.role === 'assistant') {
      for (const tc of m.tool_calls ?? []) {
        let args: unknown = tc.function.arguments;
        try {
          args = JSON.parse(tc.function.arguments);
        } catch {
          // keep the raw text: the model wrote invalid JSON
        }
        calls.push({ id: tc.id, name: tc.function.name, args });
      }
    } else if (m.role === 'tool') {
      const call = calls.find((c) => c.id === m.tool_call_id);
      if (call) call.result = m.content;
    }
  }
  return calls;
}

/** The actor's view of its request. */
export function readActorRequest(req: SimRequest): ActorCtx {
  const system = req.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content).join('\n');
  const task = section(system, /^##\s+(?:your\s+)?task\b/i) ?? system;
  const title = (/^\s*(?:title|task):\s*(.+)$/im.exec(task)?.[1] ?? task.trim().split('\n')[0] ?? 'the task').trim().slice(0, 120);
  return { req, system, title, task, calls: pastCalls(req), tools: (req.tools ?? []).map((t) => t.function.name) };
}

/** The latest answered call of a tool. */
export const lastResult = (ctx: ActorCtx, name: string): PastCall | undefined => [...ctx.calls].reverse().find((c) => c.name === name && c.result !== undefined);

/** The `<what>:<id>` reference of the dependency report of `taskId` in the knowledge section. */
export function chosenReference(system: string, taskId: string, what: string): string | undefined {
  const knowledge = section(system, /knowledge/i) ?? system;
  const refRe = new RegExp(`\\b${what}:([A-Za-z0-9_.:-]*[A-Za-z0-9_:-])`, 'i');
  const esc = taskId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = knowledge.search(new RegExp(`(?:\`${esc}\`|task ${esc}\\b)`, 'i'));
  if (at >= 0) {
    const rest = knowledge.slice(at);
    const next = rest.slice(1).search(/\n#{2,4}\s/);
    const block = next < 0 ? rest : rest.slice(0, next + 1);
    const m = refRe.exec(block);
    if (m) return m[1];
  }
  return refRe.exec(knowledge)?.[1];
}

/** The mission budget in JPY when the goal or context states one. */
export function budgetJpy(system: string): number | undefined {
  const text = [section(system, /goal/i), section(system, /knowledge/i), system].filter(Boolean).join('\n');
  const ctxKey = /"[A-Za-z]*budget[A-Za-z]*"\s*:\s*(\d+(?:\.\d+)?)/i.exec(text);
  if (ctxKey) return Number(ctxKey[1]);
  // Only the goal states a budget in prose: the knowledge is full of prices of earlier reports.
  const goal = section(system, /goal/i) ?? '';
  const yen = /¥\s?([\d,]+)/.exec(goal) ?? /([\d,]{4,})\s*(?:JPY|yen)\b/i.exec(goal);
  return yen ? Number(yen[1]!.replace(/,/g, '')) : undefined;
}
