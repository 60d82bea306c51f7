import { defineConfig } from 'vitest/config';

// The suite StrykerJS runs against each mutant (npm run mutate): the node-environment unit
// tests only. No happy-dom (the same tests again, twice the time), no e2e (real browsers and
// runtimes, minutes each), no fuzz (random inputs: a mutant killed only by chance is not a test).
export default defineConfig({
  test: {
    name: 'node',
    environment: 'node',
    testTimeout: 20_000,
    include: ['test/**/*.test.ts'],
    // redis-replay races two processes on the built dist/, which holds no mutant (and the
    // sandbox has no dist/); it covers stores only, none of the mutated files.
    exclude: ['test/e2e/**', 'test/fuzz/**', 'test/stores/redis-replay.test.ts', 'node_modules/**'],
  },
});
