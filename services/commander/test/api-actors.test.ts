import { afterEach, describe, expect, it } from 'vitest';
import { TRANSCRIPT_OBSERVATION_CHARS, type TranscriptResponse } from '@aime/protocol';
import { transcriptStepOf } from '../src/api/routes-actors.ts';
import { createMission, KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const STEP = {
  step: 0,
  ai: { content: 'Search trains with key sk-abcdefghijklmnop1234', tool_calls: [{ id: 'c1', name: 'search_trains', args: { from: 'Tokyo', apiKey: 'hunter2hunter2' } }] },
  results: [{ toolCallId: 'c1', name: 'search_trains', observation: 'NOZOMI-0900 ¥14,170' }],
};

describe('GET /v1/missions/:id/actors/:actorId/transcript', () => {
  it("answers an actor's steps, oldest first, with secrets redacted, to the mission's owner and operators only", async () => {
    h = await startApi();
    const id = await createMission(h, KEYS.alice);
    await h.store.appendTranscript(id, 't1.1', STEP);
    await h.store.appendTranscript(id, 't1.1', { step: 1, ai: { content: 'Done.', tool_calls: [] }, results: [] });

    for (const key of [KEYS.alice, KEYS.operator]) {
      const res = await h.call(`/v1/missions/${id}/actors/t1.1/transcript`, { key });
      expect(res.status).toBe(200);
      const body = (await res.json()) as TranscriptResponse;
      expect(body.actorId).toBe('t1.1');
      expect(body.items.map((s) => s.step)).toEqual([0, 1]);
      expect(body.items[0]).toEqual({
        step: 0,
        thought: 'Search trains with key [redacted]',
        calls: [{ id: 'c1', name: 'search_trains', args: { from: 'Tokyo', apiKey: '[redacted]' } }],
        results: [{ toolCallId: 'c1', name: 'search_trains', observation: 'NOZOMI-0900 ¥14,170' }],
      });
    }
    // Another caller's mission does not exist for them; an actor without steps has none.
    expect((await h.call(`/v1/missions/${id}/actors/t1.1/transcript`, { key: KEYS.bob })).status).toBe(404);
    expect(((await (await h.call(`/v1/missions/${id}/actors/t9.1/transcript`, { key: KEYS.alice })).json()) as TranscriptResponse).items).toEqual([]);
    expect((await h.call(`/v1/missions/${id}/actors/bad id/transcript`, { key: KEYS.alice })).status).toBe(400);
  });

  it('caps a long observation and skips an entry it cannot read', () => {
    const long = transcriptStepOf({ ...STEP, results: [{ toolCallId: 'c1', name: 'read', observation: 'x'.repeat(TRANSCRIPT_OBSERVATION_CHARS + 50) }] });
    expect(long?.results[0]?.observation).toHaveLength(TRANSCRIPT_OBSERVATION_CHARS + 1);
    expect(long?.results[0]?.truncated).toBe(true);
    expect(transcriptStepOf({ nope: true })).toBeNull();
    expect(transcriptStepOf(null)).toBeNull();
  });
});
