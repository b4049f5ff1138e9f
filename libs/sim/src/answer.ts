import { errorMessage } from '@aime/protocol';
import { fallbackPolicy } from './fallback-policy.ts';
import { toolCallsSoFar, type WireAnswer } from './completion.ts';
import type { SimAnswer, SimPolicy, SimRequest } from './policy.ts';

/**
 * The first policy that matches, else the fallback.
 * @throws Error naming the policy when one throws (a bug in the policy: answered as a 500).
 */
export function decide(req: SimRequest, policies: readonly SimPolicy[]): { policy: string; answer: SimAnswer } {
  let name = '';
  try {
    const policy = policies.find((p) => {
      name = p.name;
      return p.matches(req);
    }) ?? fallbackPolicy;
    name = policy.name;
    return { policy: policy.name, answer: policy.answer(req) };
  } catch (err) {
    const message = errorMessage(err);
    throw new Error(`sim policy '${name}' threw: ${message}`, { cause: err });
  }
}

/** A name that is not among the request's tools. */
function unknownToolName(req: SimRequest): string {
  const names = new Set(req.tools?.map((t) => t.function.name));
  let name = 'nonexistent_tool';
  while (names.has(name)) name += '_x';
  return name;
}

/**
 * Corrupts the answer's tool calls the way a misbehaving model does. With no tool call in
 * the answer, one is made up (to the first tool for `bad_tool_args`), so the fault shows.
 */
export function applyAnswerFault(kind: 'bad_tool_args' | 'unknown_tool', req: SimRequest, wire: WireAnswer): WireAnswer {
  const nextId = `call_${toolCallsSoFar(req) + 1}`;
  const calls = wire.toolCalls.length > 0 ? wire.toolCalls.map((c) => ({ ...c })) : [{ id: nextId, name: req.tools?.[0]?.function.name ?? 'tool', arguments: '{}' }];
  const first = calls[0];
  if (!first) return wire;
  if (kind === 'bad_tool_args') {
    // Cut the JSON short and leave a dangling key: never parseable, whatever the original was.
    first.arguments = `${first.arguments.slice(0, Math.max(1, first.arguments.length - 1))}, "unterminated`;
  } else {
    first.name = unknownToolName(req);
  }
  return { content: wire.content, toolCalls: calls, finishReason: 'tool_calls' };
}
