import { defineConfig } from 'vitest/config';

// The whole suite runs twice: in Node, and in happy-dom as a stand-in for the browser,
// which is tokenward's main target (happy-dom's fetch enforces CORS like a page would).
export default defineConfig({
  test: {
    testTimeout: 20_000,
    // Node 20 prints "The Ed448 Web Crypto API algorithm is an experimental feature" the first
    // time a worker uses Ed448, which issue 21's tests do on purpose: not an error to report.
    execArgv: ['--disable-warning=ExperimentalWarning'],
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      // extends: true makes each project inherit the root options above (testTimeout, reporters):
      // Vitest 4 projects defined inline start from its defaults otherwise.
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'happy-dom',
          // happy-dom, quiet about the failed requests the tests make on purpose (see the file).
          environment: './test/helpers/happy-dom-environment.ts',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'], // real browsers and runtimes: run once, from Node
        },
      },
    ],
  },
});
