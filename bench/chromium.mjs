// Scenarios 1 and 2 in headless Chromium: dist/ and jose served from 127.0.0.1 with an import map,
// the contenders of lib/contenders.mjs run inside the page, the samples come back to Node.
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { FLOOR } from './lib/contenders.mjs';
import { launchChromium } from './lib/chromium.mjs';
import { makeKey, makeTokens } from './lib/fixtures.mjs';
import { serveStatic } from './lib/static-site.mjs';
import { printTable, title } from './lib/report.mjs';
import { printUniqueRatios } from './unique-tokens.mjs';
import { printMemoRatio } from './repeated-token.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** URL path of what a bare specifier resolves to in Node (the package's own exports map). */
function servedPath(specifier) {
  try {
    return `/${relative(root, fileURLToPath(import.meta.resolve(specifier)))}`;
  } catch {
    return undefined; // e.g. ky, once the core no longer depends on it
  }
}

function page() {
  const imports = { tokenward: '/dist/index.js' };
  for (const name of ['jose', 'ky']) if (servedPath(name)) imports[name] = servedPath(name);
  return `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <script type="importmap">${JSON.stringify({ imports })}</script>
    <script type="module" src="/bench/browser/main.mjs"></script>
  </head>
  <body></body>
</html>`;
}

/** Chromium on the bench page, ready to run; `clock` says how fine the page's timer is. */
async function openBenchPage() {
  const site = await serveStatic(root, { '/': { type: 'text/html', body: page() } }, [
    '/dist/',
    '/node_modules/jose/',
    '/node_modules/ky/',
    '/bench/lib/',
    '/bench/browser/',
  ]);
  const browser = await launchChromium();
  const close = async () => {
    await browser.close();
    await site.close();
  };
  const errors = [];
  try {
    const tab = await browser.context.newPage();
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`${site.url}/`);
    await tab
      .waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 })
      .catch(() => {
        throw new Error(`the bench page did not load: ${errors.join('; ') || 'no page error'}`);
      });
    const clock = (await tab.evaluate(() => window.bench.isolated()))
      ? 'cross-origin isolated, performance.now() ≈ 5 µs'
      : 'NOT isolated: performance.now() ≈ 100 µs';
    return { tab, errors, clock, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function chromiumScenarios({
  scenarios = ['unique', 'memo'],
  count = 300,
  rounds = 31,
  ops = 300,
  memoOps = 100_000,
  memoRounds = 21,
} = {}) {
  const { tab, errors, clock, close } = await openBenchPage();
  const results = {};
  try {
    const key = await makeKey('bench-chromium');
    if (scenarios.includes('unique')) {
      const tokens = await makeTokens(key, count);
      const input = { jwk: key.jwk, tokens, rounds };
      const rows = await tab.evaluate((i) => window.bench.unique(i), input);
      title(
        `1. Unique tokens, Chromium: ${count} distinct RS256 tokens, each verified once per round; ${rounds} interleaved rounds, median (${clock})`,
      );
      printTable(rows, FLOOR);
      results.unique = { rows, ...printUniqueRatios(rows, { floorTarget: 0.8, joseTarget: 1.45 }) };
    }
    if (scenarios.includes('memo')) {
      const [token] = await makeTokens(key, 1);
      const input = { jwk: key.jwk, token, ops, memoOps, rounds: memoRounds };
      const rows = await tab.evaluate((i) => window.bench.repeated(i), input);
      title(
        `2. Memo hit, Chromium: the same token, ${ops} verifies per round (tokenward: ${memoOps.toLocaleString('en')}); ${memoRounds} interleaved rounds, median`,
      );
      printTable(rows, FLOOR);
      results.memo = { rows, vsFloor: printMemoRatio(rows) };
    }
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  } finally {
    await close();
  }
  return results;
}
