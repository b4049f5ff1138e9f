import { parseToolInput } from './run-tool.ts';
import type { ToolCallInfo, ToolDefinition, ToolResult } from './types.ts';

/** What to do with a model's call before running it. */
export type ToolCallCheck =
  /** The arguments are wrong: the model reads `result` and nobody is asked. */
  | { ok: false; result: Extract<ToolResult, { ok: false }> }
  /** The arguments are valid; `needsApproval` says whether an operator must approve the call first. */
  | { ok: true; needsApproval: boolean };

/**
 * Validates a call's arguments and then decides whether it needs an approval: `requiresApproval`
 * `true`, or its predicate of the validated input says so. A predicate that throws counts as
 * "needs approval" (a broken check never lets a risky call through unasked). Run it before
 * asking an operator, so an invalid call fails `invalid_input` instead of waiting for a human.
 */
export async function checkToolCall(tool: ToolDefinition, rawInput: unknown, call: ToolCallInfo): Promise<ToolCallCheck> {
  const parsed = await parseToolInput(tool, rawInput);
  if (!parsed.ok) return { ok: false, result: parsed };
  const rule = tool.requiresApproval;
  if (typeof rule !== 'function') return { ok: true, needsApproval: rule === true };
  try {
    return { ok: true, needsApproval: (await rule(parsed.input, { missionId: call.missionId, taskId: call.taskId, actorId: call.actorId })) !== false };
  } catch {
    return { ok: true, needsApproval: true };
  }
}
