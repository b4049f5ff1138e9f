import type { ActorSpec, Task } from '@aime/protocol';
import type { TestEnv } from '@aime/testing';

export * from '@aime/testing';

/** A spec as the Actor Factory would write it (same prompt sections), for actor tests. */
export async function putSpec(
  env: TestEnv,
  missionId: string,
  t: Task,
  opts: { goal?: string; bundles?: string[]; tools?: string[]; knowledge?: string; maxSteps?: number } = {},
): Promise<ActorSpec> {
  const bundles = opts.bundles ?? ['trains', 'flights', 'hotels', 'weather', 'currency', 'itinerary'];
  const tools = opts.tools ?? ['search_trains', 'book_train', 'search_flights', 'book_flight', 'search_hotels', 'book_hotel', 'get_weather', 'convert_currency', 'get_bookings', 'update_progress', 'submit_report'];
  const knowledge = opts.knowledge ?? '(nothing beyond the mission goal)';
  const spec: ActorSpec = {
    actorId: t.actorId ?? `${t.id}.1`,
    missionId,
    taskId: t.id,
    attempt: t.attempts,
    persona: { name: 'Travel Agent', role: 'Books travel', traits: ['precise'] },
    bundles,
    tools,
    knowledge,
    environment: { now: new Date().toISOString(), timezone: 'UTC', permissions: [] },
    outputFormat: 'When done or stuck, call submit_report.',
    systemPrompt: [
      'You are Travel Agent: Books travel.',
      '',
      '## Mission goal',
      opts.goal ?? 'Plan a trip.',
      '',
      '## Your task',
      `id: ${t.id}`,
      `title: ${t.title}`,
      `description: ${t.description}`,
      `completion criteria: ${t.completionCriteria}`,
      '',
      '## Knowledge',
      knowledge,
      '',
      '## Output format',
      'When done or stuck, call submit_report.',
    ].join('\n'),
    maxSteps: opts.maxSteps ?? 12,
    createdAt: new Date().toISOString(),
  };
  await env.store.putActorSpec(spec);
  return spec;
}
