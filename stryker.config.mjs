// npm run mutate: StrykerJS over the security core, against the node unit tests
// (vitest.stryker.config.ts). docs/mutation-testing.md gives the scores and the survivors left.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // 2 cores shared with other work: one mutant at a time (STRYKER_CONCURRENCY=2 when alone).
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  mutate: [
    'src/verify/claims.ts',
    'src/verify/verifier.ts',
    'src/token/compact.ts',
    'src/token/header.ts',
    'src/keys/guard.ts',
    'src/keys/rsa-safety.ts',
    'src/keys/roca.ts',
    'src/keyset/freshness.ts',
    'src/dpop/verifier.ts',
    'src/dpop/htu.ts',
    'src/http/attach.ts',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
  timeoutMS: 10_000,
  // Reruns test only the mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
