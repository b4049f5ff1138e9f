import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, startApi, type Harness } from './api-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

async function post(body: string, contentType = 'application/json'): Promise<{ status: number; body: ErrorBody }> {
  const res = await h.call('/v1/missions', { method: 'POST', key: KEYS.operator, headers: { 'content-type': contentType }, body });
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

describe('validation', () => {
  it.each([
    ['an empty goal', { goal: '' }, 'goal'],
    ['a blank goal', { goal: '   ' }, 'goal'],
    ['a goal over 8000 characters', { goal: 'x'.repeat(8001) }, 'goal'],
    ['a missing goal', {}, 'goal'],
    ['maxParallelActors 0', { goal: 'g', budget: { maxParallelActors: 0 } }, 'budget.maxParallelActors'],
    ['a negative maxCostUsd', { goal: 'g', budget: { maxCostUsd: -1 } }, 'budget.maxCostUsd'],
    ['a context that is not an object', { goal: 'g', context: 'tokyo' }, 'context'],
    ['metadata as an array', { goal: 'g', metadata: [1, 2] }, 'metadata'],
  ])('rejects %s with 400 validation_failed naming the field', async (_name, body, path) => {
    h = await startApi();
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect(await h.store.listMissions()).toEqual({ items: [] });
    expect(h.wakes).toEqual([]);
  });

  it('rejects malformed JSON with 400, not 500', async () => {
    h = await startApi();
    const res = await post('{"goal": "unterminated');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('rejects a body that is not an object', async () => {
    h = await startApi();
    const res = await post('[1,2,3]');
    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe('body');
  });

  it('rejects a non-JSON body with 415', async () => {
    h = await startApi();
    const res = await post('goal=trip', 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('rejects a bad query value with the parameter as path', async () => {
    h = await startApi();
    const res = await h.call('/v1/missions?limit=0', { key: KEYS.operator });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.details?.[0]?.path).toBe('limit');
    const status = await h.call('/v1/missions?status=done', { key: KEYS.operator });
    expect(status.status).toBe(400);
  });

  it('rejects a malformed mission id with 400 and an unknown one with 404', async () => {
    h = await startApi();
    expect((await h.call('/v1/missions/%7Bbad%7D', { key: KEYS.operator })).status).toBe(400);
    const missing = await h.call('/v1/missions/does-not-exist', { key: KEYS.operator });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('not_found');
  });

  it('answers 413 payload_too_large for a body over the limit', async () => {
    h = await startApi({ bodyLimitBytes: 2048 });
    const res = await post(JSON.stringify({ goal: 'g', context: { blob: 'y'.repeat(4096) } }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers JSON 404 for unknown routes', async () => {
    h = await startApi();
    const res = await h.call('/v1/nothing-here', { key: KEYS.operator });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
  });

  it('turns an unexpected failure into a bare 500 internal without internals', async () => {
    h = await startApi();
    const real = h.store.listBundles.bind(h.store);
    h.store.listBundles = async () => {
      throw new Error('connection to redis://:hunter2@db lost');
    };
    const res = await h.call('/v1/tools', { key: KEYS.operator });
    h.store.listBundles = real;
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(text).not.toContain('hunter2');
  });
});
