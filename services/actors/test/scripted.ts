import { REDIS_URL } from '@aime/testing';
import { expect } from 'vitest';
import { z } from 'zod';
import { defineBundle, definePlugin, defineTool, type PluginDefinition } from '@aime/plugin-sdk';
import type { SimAnswer, SimMessage, SimPolicy, SimRequest } from '@aime/sim';
import { capabilityQueue } from '@aime/store';
import { startActorWorker, type ActorWorkerHandle, type ActorWorkerOptions } from '../src/index.ts';
import { putSpec, runningMission, setupEnv, silent, task, type TestEnv } from './fixtures.ts';

/** A sim policy for actor requests that answers by a script and keeps every request it got. */
export interface ScriptedActor {
  policy: SimPolicy;
  requests: SimRequest[];
}

/** `script(req, n)` answers the n-th actor request (from 0). */
export function scriptedActor(script: (req: SimRequest, n: number) => SimAnswer): ScriptedActor {
  const requests: SimRequest[] = [];
  return {
    requests,
    policy: {
      name: 'scripted-actor',
      matches: (req) => (req.tools ?? []).some((t) => t.function.name === 'submit_report'),
      answer: (req) => {
        requests.push(req);
        return script(req, requests.length - 1);
      },
    },
  };
}

export const call = (name: string, args: Record<string, unknown>): SimAnswer => ({ toolCalls: [{ name, arguments: args }] });
export const submit = (summary: string, status = 'succeeded'): SimAnswer => call('submit_report', { status, summary });

/** The tool messages of a request, in order. */
export const toolMessages = (req: SimRequest): SimMessage[] => req.messages.filter((m) => m.role === 'tool');
export const lastTool = (req: SimRequest): SimMessage | undefined => toolMessages(req).at(-1);

/** What OpenAI requires: every assistant tool call is answered by a tool message before anything else, and no tool message answers nothing. */
export function expectValidToolPairs(req: SimRequest): void {
  const msgs = req.messages;
  const seen = new Set<string>();
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    if (m.role === 'tool') throw new Error(`message ${i} is a tool message that answers no preceding call`);
    if (m.role !== 'assistant' || !m.tool_calls?.length) continue;
    const ids = m.tool_calls.map((c) => c.id);
    for (const id of ids) {
      expect(seen.has(id), `call id ${id} is used twice`).toBe(false);
      seen.add(id);
    }
    const answers = msgs.slice(i + 1, i + 1 + ids.length);
    expect(answers.map((a) => [a.role, a.tool_call_id])).toEqual(ids.map((id) => ['tool', id]));
    i += ids.length;
  }
}

/** Characters of the step history in a request: everything after the system prompt and the task message. */
export const historyChars = (req: SimRequest): number => req.messages.slice(2).reduce((n, m) => n + m.content.length, 0);

/** A text of `n` characters whose every slice is distinct (numbered words). */
export function numberedText(n: number): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `w${i} `;
  return s.slice(0, n);
}

/**
 * A plugin for loop tests: `long_text` returns a text of the asked length, `lookup` a fixed
 * answer per query padded to `size` characters.
 */
export function notesPlugin(): PluginDefinition {
  const longText = defineTool({
    name: 'long_text',
    description: 'Returns a long text.',
    input: z.object({ length: z.number().int().min(1).max(7_000) }),
    sideEffects: 'none',
    run: (input) => numberedText(input.length),
  });
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks a query up.',
    input: z.object({ q: z.string(), size: z.number().int().min(1).max(7_000).optional() }),
    sideEffects: 'none',
    run: (input) => {
      const head = `result for ${input.q}: `;
      return head + 'x'.repeat(Math.max(0, (input.size ?? 40) - head.length));
    },
  });
  return definePlugin({ name: 'notes', version: '1.0.0', bundles: [defineBundle({ name: 'notes', description: 'Notes tools.', tools: [longText, lookup] })] });
}

/** One actor driven by a scripted sim, on a worker serving {@link notesPlugin}. */
export interface ScriptedRun {
  env: TestEnv;
  worker: ActorWorkerHandle;
  missionId: string;
  close(): Promise<void>;
}

/** Starts a world whose actor model is `scripted`, a worker with the given limits, and one actor job of task t1. */
export async function runScripted(
  scripted: ScriptedActor,
  opts: Pick<ActorWorkerOptions, 'maxObservationChars' | 'historyTokens'> & { maxSteps?: number } = {},
): Promise<ScriptedRun> {
  const env = await setupEnv({ policies: [scripted.policy] });
  const t1 = task('t1', 'Collect the notes.');
  const missionId = await runningMission(env, 'Notes', [t1]);
  await putSpec(env, missionId, t1, { bundles: ['notes'], tools: ['long_text', 'lookup', 'update_progress', 'submit_report'], maxSteps: opts.maxSteps ?? 20 });
  const { maxSteps: _, ...limits } = opts;
  const worker = await startActorWorker({ redisUrl: REDIS_URL, prefix: env.prefix, store: env.store, models: env.models, plugins: [notesPlugin()], logger: silent, pollMs: 100, heartbeatMs: 1000, ...limits });
  await env.queue(capabilityQueue(['notes'])).add('actor', { missionId, taskId: 't1', actorId: 't1.1' }, { jobId: `${missionId}:t1.1:actor` });
  return {
    env,
    worker,
    missionId,
    async close() {
      await worker.close();
      await env.close();
    },
  };
}
