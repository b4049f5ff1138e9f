import { z } from 'zod';
import { StructuredModel, type ChatTurn, type ModelsConfig, type UsageRecorder } from '@aime/models';
import type { ActorSpec, Bundle, Task } from '@aime/protocol';
import type { Logger } from 'pino';
import { formatIssues } from '@aime/protocol';
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
  /** The mission's factory model when it overrides the configured one. */
  spec?: string;
}

/** Repair rounds (quoting the validation errors) before the keyword fallback takes over. */
const REPAIR_ROUNDS = 3;

/** The factory answer's JSON schema, from the zod schema (built once). */
const FACTORY_JSON_SCHEMA = z.toJSONSchema(FactoryAnswer, { io: 'input' }) as Record<string, unknown>;

/**
 * Asks the factory model for a persona and bundles; an invalid answer is quoted back with
 * its validation errors up to {@link REPAIR_ROUNDS} times, then the keyword fallback decides
 * (as it does at once when the model call fails). Bundles neither live nor offered as offline are dropped (and logged).
 */
export async function chooseActor(input: ChooseActorInput): Promise<ActorChoice> {
  const live = input.bundles.map((b) => b.name);
  const offline = (input.offline ?? []).filter((b) => !live.includes(b.name));
  const available = [...live, ...offline.map((b) => b.name)];
  const model = new StructuredModel({
    cfg: input.models,
    role: 'factory',
    ...(input.spec && input.spec !== input.models.models.factory.spec ? { spec: input.spec } : {}),
    logger: input.logger,
  });
  const turns: ChatTurn[] = [
    { role: 'system', content: FACTORY_SYSTEM_PROMPT },
    { role: 'user', content: factoryUserPrompt(input.goal, input.task, input.bundles, offline) },
  ];
  for (let round = 0; round <= REPAIR_ROUNDS; round++) {
    let problem: string;
    let text = '';
    try {
      const res = await model.call({
        name: ACTOR_SPEC_RESPONSE_NAME,
        description: 'Submit the persona and tool bundles of the actor for this task.',
        jsonSchema: FACTORY_JSON_SCHEMA,
        turns,
        callbacks: input.callbacks,
        ...(input.signal ? { signal: input.signal } : {}),
      });
      text = res.text;
      const parsed = res.extracted.ok ? FactoryAnswer.safeParse(res.extracted.value) : undefined;
      if (parsed?.success) {
        const answer = parsed.data;
        const bundles = [...new Set(answer.bundles)].filter((b) => available.includes(b));
        const dropped = answer.bundles.filter((b) => !available.includes(b));
        if (dropped.length) input.logger.warn({ dropped, available }, 'factory model chose bundles no worker ever served; dropped them');
        return { persona: answer.persona, bundles, source: 'model' };
      }
      problem = res.extracted.ok ? formatIssues(parsed?.error.issues ?? [], { style: 'inline', root: '(root)' }) : res.extracted.error;
    } catch (err) {
      // Transport failures were already retried inside the model: fall back to keywords.
      if (input.signal?.aborted) throw err;
      input.logger.warn({ round, err }, 'the factory model failed');
      break;
    }
    input.logger.warn({ round, problem }, 'factory model gave no usable actor spec');
    turns.push(
      { role: 'assistant', content: text },
      { role: 'user', content: `Your answer was rejected: ${problem}\nAnswer again with one JSON object {"persona": {"name", "role", "traits"}, "bundles": [names from the list]}.` },
    );
  }
  const text = [input.task.title, input.task.description, input.task.completionCriteria].join('\n');
  const fallback = keywordSpec(text, live);
  input.logger.warn({ bundles: fallback.bundles }, 'using the keyword fallback for the actor spec');
  return { ...fallback, source: 'fallback' };
}
