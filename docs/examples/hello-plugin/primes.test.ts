import { afterAll, describe, expect, it } from 'vitest';
import { closeToolWorkers, createMemoryToolContext, runTool } from '@aime/plugin-sdk';
import { countPrimes } from './primes.ts';

afterAll(() => closeToolWorkers());

describe('count_primes, a worker tool', () => {
  it('counts in a worker thread', async () => {
    expect(await runTool(countPrimes, { below: 100 }, createMemoryToolContext())).toEqual({ ok: true, output: { below: 100, count: 25 } });
  });
});
