/**
 * Span attribute names: the OpenTelemetry GenAI semantic conventions for model calls
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/), and the runtime's own ids.
 */
export const ATTR = {
  genAiSystem: 'gen_ai.system',
  genAiOperation: 'gen_ai.operation.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiToolName: 'gen_ai.tool.name',
  missionId: 'aime.mission.id',
  taskId: 'aime.task.id',
  actorId: 'aime.actor.id',
  role: 'aime.model.role',
  costUsd: 'aime.usage.cost_usd',
  outcome: 'aime.outcome',
  status: 'aime.mission.status',
} as const;

/** Span names, one per kind of work: the tree of one mission is mission → planner step → factory build → actor → model call / tool call. */
export const SPAN = {
  mission: 'mission',
  plannerStep: 'planner.step',
  factoryBuild: 'factory.build',
  actor: 'actor.run',
  /** A model call is named `chat <model>` (GenAI conventions); a tool call `execute_tool <name>`. */
  chat: (model: string) => `chat ${model}`,
  tool: (name: string) => `execute_tool ${name}`,
} as const;

/** The runtime's ids as span attributes (those given). */
export function idAttributes(ids: { missionId?: string; taskId?: string; actorId?: string }): Record<string, string> {
  const out: Record<string, string> = {};
  if (ids.missionId) out[ATTR.missionId] = ids.missionId;
  if (ids.taskId) out[ATTR.taskId] = ids.taskId;
  if (ids.actorId) out[ATTR.actorId] = ids.actorId;
  return out;
}
