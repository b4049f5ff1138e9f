import { z } from 'zod';
import { defineBundle, defineTool, type BundleDefinition } from '@aime/plugin-sdk';
import { DISABLED_FUNCTIONS, MAX_EXPRESSION_CHARS, MAX_RESULT_CHARS } from './math-limits.mjs';

export { DISABLED_FUNCTIONS, MAX_EXPRESSION_CHARS, MAX_RESULT_CHARS };

/** Time limit of one `evaluate` call; the thread computing it is terminated then. */
export const MATH_TIMEOUT_MS = 5_000;
/**
 * Heap limit of the calculator's thread. mathjs itself needs about 30 MB; a calculator that
 * needs more than this is being asked to build something huge.
 */
export const MATH_HEAP_MB = 96;

/**
 * The `math` bundle: a sandboxed calculator. mathjs runs in a worker thread (math-eval.mjs)
 * with a heap limit and is terminated at the timeout: `combinations(bignumber(8e6), 4e6)`
 * computes for minutes and a few nested `[a, a]` fill any heap, and neither may stall or
 * crash the actor worker that calls it.
 */
export function createMathBundle(): BundleDefinition {
  return defineBundle({
    name: 'math',
    description: 'A calculator for arithmetic, functions, statistics and unit conversion (evaluate).',
    tools: [
      defineTool({
        name: 'evaluate',
        description:
          'Evaluate a math expression and return one number, e.g. "(129000 + 2 * 14170) / 3", "sqrt(2) * 10", "mean(3, 5, 10)", "12 km to mile", "a = 5; a^2". Use it instead of doing arithmetic in your head.',
        input: z.object({ expression: z.string().min(1).describe(`A mathjs expression, at most ${MAX_EXPRESSION_CHARS} characters`) }),
        sideEffects: 'none',
        timeoutMs: MATH_TIMEOUT_MS,
        isolation: 'worker',
        worker: { module: new URL('./math-eval.mjs', import.meta.url), export: 'evaluate', maxOldGenerationSizeMb: MATH_HEAP_MB, maxResultChars: MAX_RESULT_CHARS },
      }),
    ],
  });
}
