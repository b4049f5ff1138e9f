import { z } from 'zod';
import { createChatModel, type ModelsConfig, type UsageRecorder } from '@aime/models';
import type { ActorSpec, Bundle, Task } from '@aime/protocol';
import type { Logger } from 'pino';
import { keywordSpec } from './keyword-bundles.ts';
import { ACTOR_SPEC_RESPONSE_NAME, FACTORY_SYSTEM_PROMPT, factoryUserPrompt } from './prompt.ts';

/** The factory model's structured answer. */
export const FactoryAnswer = z.object({
  persona: z.object({
    name: z.string().trim().min(1).max(200),
    role: z.string().trim().min(1).max(500),
    traits: z.array(z.string().max(100)).max(10).default([]),
  }),
  bundles: z.array(z.string()).max(50),
});
export type FactoryAnswer = z.infer<typeof FactoryAnswer>;

/** The persona and bundles of one actor, and whether the model or the keyword fallback chose them. */
export interface ActorChoice {
  persona: ActorSpec['persona'];
  /** Only bundles that live workers serve, or known ones offered as offline. */
  bundles: string[];
  source: 'model' | 'fallback';
}

export interface ChooseActorInput {
  models: ModelsConfig;
  goal: string;
  task: Task;
  bundles: Bundle[];
  /**
   * Known bundles that no live worker serves now: offered to the model, marked; choosing one
   * makes the task wait for a worker. The keyword fallback never picks them. @default []
   */
  offline?: Bundle[];
  /** Usage recorders for the model calls. */
  callbacks: UsageRecorder[];
  logger: Logger;
  signal?: AbortSignal;
}

/** How many times the model is asked before the keyword fallback takes over. */
const MODEL_TRIES = 2;

/**
 * Asks the factory model for a persona and bundles; an invalid answer is asked again once,
 * then the keyword fallback decides. Bundles neither live nor offered as offline are dropped (and logged).
 */
export async function chooseActor(input: ChooseActorInput): Promise<ActorChoice> {
  const live = input.bundles.map((b) => b.name);
  const offline = (input.offline ?? []).filter((b) => !live.includes(b.name));
  const available = [...live, ...offline.map((b) => b.name)];
  const model = createChatModel(input.models, 'factory').withStructuredOutput(FactoryAnswer, {
    method: 'jsonSchema',
    name: ACTOR_SPEC_RESPONSE_NAME,
  });
  const messages: Array<[string, string]> = [
    ['system', FACTORY_SYSTEM_PROMPT],
    ['human', factoryUserPrompt(input.goal, input.task, input.bundles, offline)],
  ];
  for (let attempt = 1; attempt <= MODEL_TRIES; attempt++) {
    try {
      const raw = await model.invoke(messages, { callbacks: input.callbacks, ...(input.signal ? { signal: input.signal } : {}) });
      const answer = FactoryAnswer.parse(raw);
      const bundles = [...new Set(answer.bundles)].filter((b) => available.includes(b));
      const dropped = answer.bundles.filter((b) => !available.includes(b));
      if (dropped.length) input.logger.warn({ dropped, available }, 'factory model chose bundles no worker ever served; dropped them');
      return { persona: answer.persona, bundles, source: 'model' };
    } catch (err) {
      if (input.signal?.aborted) throw err;
      input.logger.warn({ attempt, err: err instanceof Error ? err.message : String(err) }, 'factory model gave no usable actor spec');
    }
  }
  const text = [input.task.title, input.task.description, input.task.completionCriteria].join('\n');
  const fallback = keywordSpec(text, live);
  input.logger.warn({ bundles: fallback.bundles }, 'using the keyword fallback for the actor spec');
  return { ...fallback, source: 'fallback' };
}
