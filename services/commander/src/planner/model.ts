import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { createChatModel, createUsageCallback, type ModelsConfig } from '@aime/models';
import { usageSink, type MissionStore } from '@aime/store';
import { PLANNER_JSON_SCHEMA, PLANNER_RESPONSE_NAME } from './prompt.ts';
import type { ChatTurn, PlannerModelCall } from './step.ts';

function toMessages(turns: ChatTurn[]): BaseMessage[] {
  return turns.map((t) =>
    t.role === 'system' ? new SystemMessage(t.content) : t.role === 'user' ? new HumanMessage(t.content) : new AIMessage(t.content),
  );
}

function textOf(msg: BaseMessage): string {
  const c = msg.content;
  if (typeof c === 'string') return c;
  return c.map((p) => (typeof p === 'string' ? p : 'text' in p && typeof p.text === 'string' ? p.text : '')).join('');
}

/**
 * The planner model through LangChain: JSON-schema response format, usage recorded to
 * the mission (counters + a `usage` event) for every call.
 */
export function langchainPlannerModel(cfg: ModelsConfig, store: MissionStore): PlannerModelCall {
  const model = createChatModel(cfg, 'planner');
  const modelName = cfg.models.planner.spec;
  return async (missionId, turns, signal) => {
    const callback = createUsageCallback({ role: 'planner', model: modelName, missionId }, usageSink(store));
    const res = await model.invoke(toMessages(turns), {
      callbacks: [callback],
      ...(signal ? { signal } : {}),
      response_format: {
        type: 'json_schema',
        json_schema: { name: PLANNER_RESPONSE_NAME, schema: PLANNER_JSON_SCHEMA, strict: false },
      },
    });
    return textOf(res);
  };
}
