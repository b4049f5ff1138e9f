import { defineTool } from '@aime/plugin-sdk';
import { z } from 'zod';

export const countPrimes = defineTool({
  name: 'count_primes',
  description: 'Counts the prime numbers below a bound (up to 50 million).',
  input: z.object({ below: z.number().int().min(2).max(50_000_000) }),
  sideEffects: 'none',
  timeoutMs: 5_000,
  isolation: 'worker',
  worker: { module: new URL('./primes.mjs', import.meta.url), export: 'countPrimes', maxOldGenerationSizeMb: 64, maxResultChars: 1_000 },
});
