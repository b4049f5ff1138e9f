import { defineConfig } from 'vitest/config';

/**
 * The chaos suite (`npm run test:chaos`), kept out of `vitest run` / `npm test`: every project
 * of vitest.config.ts runs by default, so the suite has a config of its own. It starts its
 * own Redis and service processes; one file, run alone.
 */
export default defineConfig({
  test: {
    name: 'chaos',
    include: ['tests/chaos/**/*.test.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
