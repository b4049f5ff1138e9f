import { getRetryable } from '@langchain/core/errors';
import { APIConnectionTimeoutError } from 'openai';
import { describe, expect, it } from 'vitest';
import { createFailedAttemptHandler } from '../src/index.ts';

const timeout = () => Object.assign(new Error('Request timed out.'), { name: 'TimeoutError' });
const status = (s: number, extra: object = {}) => Object.assign(new Error(`${s} status`), { status: s, ...extra });

/** Runs the handler: 'retry' when it returns (p-retry tries again), else the error it gave up with. */
function decide(handler: (e: unknown) => void, err: Error): 'retry' | (Error & { code?: unknown }) {
  try {
    handler(err);
    return 'retry';
  } catch (thrown) {
    return thrown as Error;
  }
}

describe('createFailedAttemptHandler for a reasoning model', () => {
  const handler = createFailedAttemptHandler({ role: 'planner', model: 'openai:o3', timeoutMs: 300_000, reasoning: true });

  it.each([
    ['a TimeoutError', timeout],
    ["the openai client's APIConnectionTimeoutError", () => new APIConnectionTimeoutError()],
  ])('does not retry %s, and says to raise AIME_PLANNER_TIMEOUT_MS', (_what, make) => {
    const out = decide(handler, make());
    if (out === 'retry') throw new Error('a reasoning model timeout was retried');
    expect(out.code).toBe('model_timeout');
    expect(getRetryable(out)).toBe(false);
    expect(out.message).toMatch(/^the planner model 'openai:o3' did not answer within 300000 ms \(.+\); reasoning models can think for minutes: raise AIME_PLANNER_TIMEOUT_MS$/);
  });

  it('still retries what a retry can help: 429 and 5xx', () => {
    expect(decide(handler, status(429))).toBe('retry');
    expect(decide(handler, status(503))).toBe('retry');
  });

  it('names the role of the call in the hint', () => {
    const out = decide(createFailedAttemptHandler({ role: 'actor', model: 'deepseek-r1:14b', timeoutMs: 1000, reasoning: true }), timeout());
    expect(out === 'retry' ? '' : out.message).toMatch(/raise AIME_ACTOR_TIMEOUT_MS$/);
  });
});

describe('createFailedAttemptHandler for other models', () => {
  const handler = createFailedAttemptHandler({ role: 'actor', model: 'openai:gpt-4o', timeoutMs: 60_000 });

  it('retries a timeout, marking it once without the reasoning hint', () => {
    const err = timeout();
    expect(decide(handler, err)).toBe('retry');
    expect(decide(handler, err)).toBe('retry');
    expect((err as Error & { code?: unknown }).code).toBe('model_timeout');
    expect(err.message).toBe("the actor model 'openai:gpt-4o' did not answer within 60000 ms (Request timed out.)");
  });

  it('gives up at once on 400, 401 and a 429 out of quota', () => {
    for (const err of [status(400), status(401), status(429, { code: 'insufficient_quota' })]) {
      const out = decide(handler, err);
      expect(out).toBe(err);
      expect(getRetryable(err)).toBe(false);
    }
  });

  it('waits for a Retry-After up to the cap, and gives up beyond it saying so', () => {
    const short = status(429, { headers: { 'retry-after': '2' } });
    expect(decide(handler, short)).toBe('retry');
    expect((short as Error & { retryAfterMs?: number }).retryAfterMs).toBe(2000);
    const long = decide(handler, status(503, { headers: { 'retry-after': '120' } }));
    expect(long === 'retry' ? '' : long.message).toMatch(/asked to retry after 120 s, more than the 60 s we wait/);
  });
});
