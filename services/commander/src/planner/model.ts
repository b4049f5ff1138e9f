import { createUsageCallback, StructuredModel, type ModelsConfig, type NoticeLogger } from '@aime/models';
import { usageSink, type MissionStore } from '@aime/store';
import { PLANNER_JSON_SCHEMA, PLANNER_RESPONSE_NAME } from './prompt.ts';
import type { PlannerModelCall } from './step.ts';

/**
 * The planner model: asked in the role's output mode with the fallbacks of
 * {@link StructuredModel}, returning the raw text for the planner step to read and repair.
 * Usage of every HTTP call (fallbacks and length retries too) is recorded to the mission.
 * One StructuredModel per model spec (a mission may override the configured one).
 */
export function langchainPlannerModel(cfg: ModelsConfig, store: MissionStore, logger?: NoticeLogger): PlannerModelCall {
  const bySpec = new Map<string, StructuredModel>();
  const modelFor = (spec: string): StructuredModel => {
    let m = bySpec.get(spec);
    if (!m) {
      m = new StructuredModel({ cfg, role: 'planner', ...(spec !== cfg.models.planner.spec ? { spec } : {}), ...(logger ? { logger } : {}) });
      bySpec.set(spec, m);
    }
    return m;
  };
  return async (missionId, turns, signal, spec = cfg.models.planner.spec) => {
    const callback = createUsageCallback({ role: 'planner', model: spec, missionId }, usageSink(store), cfg.prices);
    const res = await modelFor(spec).call({
      name: PLANNER_RESPONSE_NAME,
      description: 'Submit this planning step: your thought and the operations on the task graph.',
      jsonSchema: PLANNER_JSON_SCHEMA,
      turns,
      callbacks: [callback],
      ...(signal ? { signal } : {}),
    });
    return { text: res.text, truncated: res.truncated, ...(res.extracted.ok ? {} : { error: res.extracted.error }) };
  };
}
