import { afterEach, describe, expect, it } from 'vitest';
import { eventsOf, waitForEvent } from './fixtures.ts';
import { call, lastTool, runScripted, scriptedActor, submit, type ScriptedRun } from './scripted.ts';

let run: ScriptedRun | undefined;

afterEach(async () => {
  await run?.close();
  run = undefined;
});

const lastMessage = (req: { messages: Array<{ role: string; content: string }> }) => req.messages.at(-1)!;

describe('actor loop guards for small models', { timeout: 30_000 }, () => {
  it('requires a tool call after two text-only answers, and takes a third text answer as the report', async () => {
    const texts = ['I should look this up.', 'Let me think about the notes.', '<think>They want the notes; I have them.</think>The notes are: alpha, beta.'];
    const scripted = scriptedActor((_req, n) => ({ content: texts[n] ?? 'again' }));
    run = await runScripted(scripted);
    const { env, missionId } = run;

    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(scripted.requests.map((r) => r.tool_choice === 'required')).toEqual([false, false, true]);
    // The reasoning block is no part of the report.
    expect(reported.data.report).toMatchObject({ status: 'succeeded', summary: 'The notes are: alpha, beta.' });
    const steps = await eventsOf(env.store, missionId, 'actor.step');
    expect(steps.map((s) => s.data.thought)).toEqual([texts[0], texts[1], 'The notes are: alpha, beta.']);
    expect(steps[2]!.data.note).toMatch(/a tool call was required after 2 answers without one; .*taken as the report/);
  });

  it('goes on normally when the required tool call is made', async () => {
    const scripted = scriptedActor((_req, n) => (n < 2 ? { content: `thinking ${n}` } : n === 2 ? call('lookup', { q: 'notes' }) : submit('found the notes')));
    run = await runScripted(scripted);
    const { env, missionId } = run;
    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report.summary).toBe('found the notes');
    expect(scripted.requests.map((r) => r.tool_choice === 'required')).toEqual([false, false, true, false]);
  });

  it('tells the model how many steps remain from two steps before the limit', async () => {
    const scripted = scriptedActor((_req, n) => (n < 3 ? call('lookup', { q: `q${n}` }) : submit('done in time')));
    run = await runScripted(scripted, { maxSteps: 5 });
    const { env, missionId } = run;
    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    expect(reported.data.report.summary).toBe('done in time');
    const last = scripted.requests.map(lastMessage);
    expect(last.slice(0, 3).map((m) => m.role)).toEqual(['user', 'tool', 'tool']);
    expect(last[3]).toMatchObject({ role: 'user', content: expect.stringMatching(/^You have 2 steps left of your limit of 5, this one included\. Finish now: call submit_report/) });
    const steps = await eventsOf(env.store, missionId, 'actor.step');
    expect(steps.at(-1)!.data.note).toMatch(/told the model: You have 2 steps left/);
  });

  it('flags the third identical call in a row to the model and marks it as a stall', async () => {
    const scripted = scriptedActor((_req, n) => (n < 3 ? call('lookup', { q: 'same', size: 40 }) : n === 3 ? call('lookup', { size: 40, q: 'same' }) : submit('stuck')));
    run = await runScripted(scripted);
    const { env, missionId } = run;
    await waitForEvent(env.store, missionId, 'actor.reported');
    expect(lastTool(scripted.requests[2]!)!.content).not.toMatch(/same arguments/);
    expect(lastTool(scripted.requests[3]!)!.content).toMatch(/\[Note: you called lookup with the same arguments 3 times in a row; calling it again will not change the answer/);
    // The order of the keys does not make it another call.
    expect(lastTool(scripted.requests[4]!)!.content).toMatch(/same arguments 4 times in a row/);
    const steps = await eventsOf(env.store, missionId, 'actor.step');
    expect(steps.map((s) => s.data.stall ?? false)).toEqual([false, false, true, true, false]);
  });

  it('hands in the findings gathered so far when the step limit is reached', async () => {
    const scripted = scriptedActor((_req, n) => (n === 0 ? call('update_progress', { status: 'searching', message: 'Looking for the notes of Tuesday.' }) : call('lookup', { q: `topic ${n}` })));
    run = await runScripted(scripted, { maxSteps: 4 });
    const { env, missionId } = run;
    const reported = await waitForEvent(env.store, missionId, 'actor.reported');
    const r = reported.data.report;
    expect(r.status).toBe('failed');
    expect(r.summary.split('\n')).toEqual([
      'The actor gave up after 4 steps without a report. Findings so far (latest last):',
      '- step 0, progress: Looking for the notes of Tuesday.',
      `- step 1, lookup: result for topic 1: ${'x'.repeat(20)}`,
      `- step 2, lookup: result for topic 2: ${'x'.repeat(20)}`,
      `- step 3, lookup: result for topic 3: ${'x'.repeat(20)}`,
    ]);
  });
});
