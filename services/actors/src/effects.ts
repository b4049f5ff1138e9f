import { declaredEffects } from '@aime/core/views';
import type { ToolDefinition, ToolContext, ToolEstimate } from '@aime/plugin-sdk';
import type { MissionStore } from '@aime/store';

/**
 * Records the external effects a tool's result declares (`effects: [...]`) as one
 * `effect.recorded` event: the mission's side-effect ledger. A retried step may record the same
 * effect again; the ledger counts each reference once.
 */
export async function recordEffects(
  store: Pick<MissionStore, 'appendEvent'>,
  ids: { missionId: string; taskId: string; actorId: string },
  tool: string,
  step: number,
  output: unknown,
): Promise<number> {
  const effects = declaredEffects(output);
  if (!effects.length) return 0;
  await store.appendEvent(ids.missionId, { type: 'effect.recorded', taskId: ids.taskId, actorId: ids.actorId, data: { tool, step, effects } });
  return effects.length;
}

/** What the call would cost, when the tool can say; a failing or slow estimate is left out, never fatal. */
export async function estimateCall(tool: ToolDefinition, args: unknown, ctx: ToolContext): Promise<ToolEstimate | undefined> {
  if (!tool.estimate) return undefined;
  const input = tool.input.safeParse(args);
  if (!input.success) return undefined;
  try {
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000).unref());
    const est = await Promise.race([Promise.resolve(tool.estimate(input.data, ctx)), timeout]);
    return est && Number.isFinite(est.amount) && typeof est.currency === 'string' ? est : undefined;
  } catch {
    return undefined;
  }
}
