import { REDIS_URL } from '@aime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { readSteps, startActorWorker } from '../src/index.ts';
import { setupEnv, silent, waitForEvent, type TestEnv } from './fixtures.ts';
import { call, expectValidToolPairs, historyChars, lastTool, notesPlugin, numberedText, runScripted, scriptedActor, submit, toolMessages, type ScriptedRun } from './scripted.ts';

let run: ScriptedRun | undefined;
let env: TestEnv | undefined;

afterEach(async () => {
  await run?.close();
  run = undefined;
  await env?.close();
  env = undefined;
});

/** The body of a capped observation or of a read_artifact page, without the runtime's notes. */
function body(observation: string): string {
  if (observation.startsWith('[artifact ')) return observation.slice(observation.indexOf('\n') + 1).replace(/\n\[(?:next: .*|end of artifact)\]$/, '');
  return observation.replace(/\n\[truncated: [\s\S]*$/, '');
}

describe('bounded context', { timeout: 30_000 }, () => {
  it('caps a long tool observation and lets the actor read the full text in pages', async () => {
    const text = numberedText(5_000);
    const scripted = scriptedActor((req, n) => {
      if (n === 0) return call('long_text', { length: 5_000 });
      const last = lastTool(req)!.content;
      if (last.includes('[end of artifact]')) return submit(toolMessages(req).map((m) => body(m.content)).join(''));
      const next = /read_artifact\((\{.*?\})\)/.exec(last);
      return next ? call('read_artifact', JSON.parse(next[1]!) as Record<string, unknown>) : submit('no pointer to the rest', 'failed');
    });
    run = await runScripted(scripted, { maxObservationChars: 1_500 });
    const { env, missionId } = run;

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    // Put back together from the pages the model read, the text is whole.
    expect(reported.data.report.summary).toBe(text);
    const seen = scripted.requests.slice(1).map((r) => lastTool(r)!.content);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((o) => o.length <= 1_500)).toBe(true);
    expect(seen[0]).toMatch(/\[truncated: this shows characters 1-\d+ of 5000\. The full text is stored as artifact (a_\w+)/);
    const artifactId = /artifact (a_\w+)/.exec(seen[0]!)![1]!;
    expect((await env.store.getArtifact(missionId, artifactId))?.content).toBe(text);
  });

  it('reads an artifact named by its uri, and says when a page does not exist', async () => {
    const scripted = scriptedActor((req, n) => {
      if (n === 0) return call('long_text', { length: 3_000 });
      const id = /artifact (a_\w+)/.exec(toolMessages(req)[0]!.content)![1]!;
      if (n === 1) return call('read_artifact', { id: `artifact:m/${id}`, page: 1 });
      if (n === 2) return call('read_artifact', { id, page: 99 });
      return submit(toolMessages(req).slice(1).map((m) => m.content.slice(0, 160)).join(' | '));
    });
    run = await runScripted(scripted, { maxObservationChars: 1_000 });
    const { env, missionId } = run;
    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report.summary).toMatch(/^\[artifact a_\w+ "observation-step0-long_text\.txt": page 1 of 5, [\s\S]* \| Error: not_found: Artifact a_\w+ has 5 page\(s\); page 99 does not exist/);
  });

  it('shortens older steps to fit the history budget, keeping every call paired with its answer and the transcript whole', async () => {
    const steps = 10;
    const scripted = scriptedActor((_req, n) => (n < steps ? call('lookup', { q: `query ${n}`, size: 1_500 }) : submit('done')));
    run = await runScripted(scripted, { historyTokens: 1_000 });
    const { env, missionId } = run;
    await waitForEvent(env.store, missionId, 'actor.reported');

    for (const req of scripted.requests) expectValidToolPairs(req);
    const last = scripted.requests.at(-1)!;
    // Whole, the history would be ~10 × 1,500 characters; sent, it stays under 1,000 tokens.
    expect(historyChars(last) / 4).toBeLessThanOrEqual(1_000);
    const tools = toolMessages(last);
    // The first step and the latest are sent whole; older ones shortened or left out with a note.
    expect(tools[0]!.content).toMatch(/^result for query 0: x{100}/);
    expect(tools.at(-1)!.content).toMatch(/^result for query 9: x{100}/);
    expect(tools.some((m) => /left out to fit the context/.test(m.content))).toBe(true);
    expect(last.messages.some((m) => m.role === 'user' && /earlier step\(s\), 1-\d+, are left out/.test(m.content))).toBe(true);
    // The transcript keeps every step with its full observation.
    const stored = readSteps(await env.store.readTranscript(missionId, 't1.1'));
    expect(stored).toHaveLength(steps + 1);
    expect(stored.slice(0, steps).map((s) => s.results[0]!.observation.length)).toEqual(Array.from({ length: steps }, () => 1_500));
    expect(new Set(stored.flatMap((s) => s.ai.tool_calls.map((c) => c.id))).size).toBe(steps + 1);
  });

  it('rejects context limits out of range before starting', async () => {
    env = await setupEnv();
    const { prefix, store, models } = env;
    await expect(startActorWorker({ redisUrl: REDIS_URL, prefix, store, models, plugins: [notesPlugin()], logger: silent, maxObservationChars: 10 })).rejects.toThrow(
      /maxObservationChars must be an integer 500\.\.1000000, got 10/,
    );
    await expect(startActorWorker({ redisUrl: REDIS_URL, prefix, store, models, plugins: [notesPlugin()], logger: silent, historyTokens: Number.NaN })).rejects.toThrow(
      /historyTokens must be an integer/,
    );
  });
});
