import type { Environment } from 'vitest/runtime';
import { builtinEnvironments } from 'vitest/runtime';

// Vitest's happy-dom environment, minus one kind of noise. happy-dom logs every failed fetch
// to its page console as a browser's devtools would ("GET http://127.0.0.1:…/jwks 500 (Internal
// Server Error)", a "socket hang up" stack for a reset connection), and Vitest hands it the
// process console, so those lines bypass Vitest's per-test capture. The tests cause these
// failures on purpose and assert the outcome; the log lines would only alarm a reader of
// `npm test`. Everything else happy-dom prints (CORS warnings included) still shows.
const happyDom = builtinEnvironments['happy-dom'];

const FAILED_REQUEST = /^[A-Z]+ https?:\/\/\S+ \d{3} \(/;

function isExpectedNetworkNoise(args: unknown[]): boolean {
  const [first] = args;
  if (typeof first === 'string') return FAILED_REQUEST.test(first);
  // happy-dom logs a refused or reset connection as the Node error itself.
  const code = (first as { code?: unknown } | null)?.code;
  return first instanceof Error && (code === 'ECONNRESET' || code === 'ECONNREFUSED');
}

export default {
  name: 'happy-dom',
  viteEnvironment: 'client',
  async setup(global, options) {
    const original = global.console as Console;
    const quiet = Object.create(original) as Console;
    quiet.error = (...args: unknown[]) => {
      if (!isExpectedNetworkNoise(args)) original.error(...args);
    };
    // The builtin setup gives happy-dom whatever global.console is at that moment.
    global.console = quiet;
    try {
      return await happyDom.setup(global, options);
    } finally {
      global.console = original;
    }
  },
} satisfies Environment;
