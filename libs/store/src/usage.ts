import type { MissionAccess, EventAccess, UsageAccess } from './roles.ts';

/** What recording model usage needs of the store. */
export type UsageStore = Pick<MissionAccess, 'addUsage'> & Pick<EventAccess, 'appendEvent'> & UsageAccess;

/** One model call's usage, attributed (the shape of `@aime/models`' UsageRecord). */
export interface ModelUsage {
  missionId: string;
  taskId?: string;
  actorId?: string;
  role: 'planner' | 'factory' | 'actor';
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Of `promptTokens`, served from the provider's prompt cache. @default 0 */
  cachedPromptTokens?: number;
  /** Of `completionTokens`, spent reasoning. @default 0 */
  reasoningTokens?: number;
  costUsd: number;
  /** Where the cost came from; `unknown`: the model has no price (counted as 0). @default 'price_table' */
  costSource?: 'provider' | 'price_table' | 'unknown';
  /** The call failed for good: what went wrong (no tokens counted). */
  error?: string;
}

/**
 * Adds a model call to the mission's counters and appends its `usage` event. A call whose
 * model has no price marks the mission's cost as not known and, once per mission, appends a
 * `warning` event saying that `maxCostUsd` cannot be enforced.
 */
export async function recordModelUsage(store: UsageStore, u: ModelUsage): Promise<void> {
  const unknown = u.costSource === 'unknown';
  await store.addUsage(u.missionId, {
    promptTokens: u.promptTokens,
    completionTokens: u.completionTokens,
    cachedPromptTokens: u.cachedPromptTokens ?? 0,
    reasoningTokens: u.reasoningTokens ?? 0,
    costUsd: u.costUsd,
    ...(unknown ? { costUnknown: true } : {}),
  });
  const ids = { ...(u.taskId ? { taskId: u.taskId } : {}), ...(u.actorId ? { actorId: u.actorId } : {}) };
  await store.appendEvent(u.missionId, {
    type: 'usage',
    ...ids,
    data: {
      role: u.role,
      model: u.model,
      promptTokens: u.promptTokens,
      completionTokens: u.completionTokens,
      ...(u.cachedPromptTokens ? { cachedPromptTokens: u.cachedPromptTokens } : {}),
      ...(u.reasoningTokens ? { reasoningTokens: u.reasoningTokens } : {}),
      costUsd: u.costUsd,
      ...(u.costSource ? { costSource: u.costSource } : {}),
      ...(u.error ? { error: u.error } : {}),
    },
  });
  if (unknown) {
    // Once per mission: the store writes the marker and the event together.
    await store.warnUnknownPrice(u.missionId, u.model, {
      type: 'warning',
      data: {
        code: 'unknown_model_price',
        message:
          `the ${u.role} model '${u.model}' has no price, so its calls count as $0: the mission's cost is a lower bound and maxCostUsd cannot be enforced. ` +
          `Add its price with AIME_MODEL_PRICES, e.g. {"${u.model.replace(/^openai:/, '')}":{"promptPer1M":0.5,"completionPer1M":1.5}}`,
        data: { model: u.model, role: u.role },
      },
    });
  }
}

/** A usage sink for `createUsageCallback` that records into the store. */
export const usageSink =
  (store: UsageStore) =>
  (u: ModelUsage): Promise<void> =>
    recordModelUsage(store, u);
