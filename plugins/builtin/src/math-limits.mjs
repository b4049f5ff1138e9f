// Limits of the `evaluate` tool, shared by its worker-thread code (math-eval.mjs) and its
// definition (math-bundle.ts). Plain JavaScript with no imports, so the main thread can read
// them without loading mathjs.

/** Longer expressions are refused: a calculator needs no more, and size bounds the work. */
export const MAX_EXPRESSION_CHARS = 1_000;

/** Longer results (in JSON characters) are refused. One number and its text need far less. */
export const MAX_RESULT_CHARS = 10_000;

/**
 * Functions disabled in expressions: the ones mathjs's security guide lists (they reach the
 * parser or change the instance) plus those that build arbitrarily large matrices from a
 * short expression, and random numbers (results must be reproducible).
 */
export const DISABLED_FUNCTIONS = Object.freeze([
  'import', 'createUnit', 'reviver', 'evaluate', 'parse', 'simplify', 'derivative', 'resolve', 'compile', 'config',
  'zeros', 'ones', 'identity', 'range', 'resize', 'reshape', 'kron', 'matrixFromRows', 'matrixFromColumns', 'matrixFromFunction', 'random', 'randomInt', 'pickRandom',
]);
