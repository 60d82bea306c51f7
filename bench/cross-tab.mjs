// Scenario 6 in headless Chromium: key requests made by 10 tabs of one browser, per store.
// Cold: the 10 tabs verify at once. Rotation: one tab meets the new key (past a 1 s cooldown),
// then the 9 others verify a token signed by it. Reload: a tab reloads and verifies.
// The key server sends no Cache-Control, so the browser's HTTP cache hides no request.
import { createServer } from 'node:http';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './lib/chromium.mjs';
import { AUDIENCE, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';
import { median } from './lib/measure.mjs';
import { fmt, title } from './lib/report.mjs';
import { serveStatic } from './lib/static-site.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const STORES = ['memoryStore()', 'webStorage(localStorage)', 'indexedDbStore()', 'cacheApiStore()'];
const TABS = 10;

/** A JWKS server counting requests per path; `keys` can change mid-run (a rotation). */
async function keyServer() {
  const count = new Map();
  const server = createServer((req, res) => {
    count.set(req.url, (count.get(req.url) ?? 0) + 1);
    res
      .writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
      .end(JSON.stringify({ keys: state.keys }));
  });
  const state = { keys: [], count: (path) => count.get(path) ?? 0 };
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.close = () => {
    server.closeAllConnections();
    return new Promise((done) => server.close(done));
  };
  return state;
}

function page() {
  const jose = `/${relative(root, fileURLToPath(import.meta.resolve('jose')))}`;
  const imports = { tokenward: '/dist/index.js', jose };
  return `<!doctype html><html><head><meta charset="utf-8" />
<script type="importmap">${JSON.stringify({ imports })}</script></head><body></body></html>`;
}

// A string, not a function: the page imports the built package through its import map.
const setUp = (store, url) => `(async () => {
  const t = await import('tokenward');
  window.events = [];
  window.verifier = t.createVerifier({
    keys: t.jwks(${JSON.stringify(url)}, { retry: 0, cooldown: 1 }),
    issuer: ${JSON.stringify(ISSUER)}, audience: ${JSON.stringify(AUDIENCE)}, cache: t.${store},
    onEvent: (e) => window.events.push(e.type),
  });
})()`;
const verify = (tab, token) =>
  tab.evaluate(`window.verifier.verify(${JSON.stringify(token)}).then(() => 'ok', (e) => e.code)`);

async function oneRound(context, siteUrl, server, store, path, tokens) {
  const url = `${server.url}${path}`;
  const tabs = await Promise.all(
    Array.from({ length: TABS }, async () => {
      const tab = await context.newPage();
      await tab.goto(`${siteUrl}/`);
      await tab.evaluate(setUp(store, url));
      return tab;
    }),
  );
  try {
    server.keys = [tokens.k1.jwk];
    const started = performance.now();
    const cold = await Promise.all(tabs.map((tab) => verify(tab, tokens.old)));
    const coldMs = performance.now() - started;
    const coldRequests = server.count(path);
    server.keys = [tokens.k2.jwk];
    await new Promise((r) => setTimeout(r, 1100)); // past the cooldown
    const first = await verify(tabs[0], tokens.rotated);
    const before = server.count(path);
    const others = await Promise.all(tabs.slice(1).map((tab) => verify(tab, tokens.rotated)));
    const rotationRequests = server.count(path) - before;
    await tabs[0].reload();
    await tabs[0].evaluate(setUp(store, url));
    const beforeReload = server.count(path);
    const reloaded = await verify(tabs[0], tokens.rotated);
    const reloadRequests = server.count(path) - beforeReload;
    const outcomes = [...cold, first, ...others, reloaded];
    if (outcomes.some((o) => o !== 'ok')) throw new Error(`${store}: ${outcomes.join(', ')}`);
    return { coldRequests, coldMs, rotationRequests, reloadRequests };
  } finally {
    await Promise.all(tabs.map((tab) => tab.close()));
  }
}

const spread = (values, f = String) =>
  `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;

export async function crossTabs({ rounds = 5 } = {}) {
  const server = await keyServer();
  const site = await serveStatic(root, { '/': { type: 'text/html', body: page() } }, [
    '/dist/',
    '/node_modules/jose/',
  ]);
  const browser = await launchChromium();
  const [k1, k2] = [await makeKey('tab-k1'), await makeKey('tab-k2')];
  const tokens = {
    k1,
    k2,
    old: (await makeTokens(k1, 1))[0],
    rotated: (await makeTokens(k2, 1))[0],
  };
  const rows = [];
  let path = 0;
  try {
    for (const store of STORES) {
      const samples = [];
      for (let round = 0; round < rounds; round++) {
        samples.push(
          await oneRound(browser.context, site.url, server, store, `/jwks-${++path}`, tokens),
        );
      }
      rows.push({ store, samples });
    }
  } finally {
    await browser.close();
    await site.close();
    await server.close();
  }
  title(
    `6. Tabs, Chromium: key requests by ${TABS} tabs of one browser; median (min–max) over ${rounds} rounds`,
  );
  console.log(
    `  ${'store'.padEnd(26)} ${'cold: requests'.padStart(15)} ${'cold: all verified, ms'.padStart(24)} ${'rotation: by 9 others'.padStart(22)} ${'reload'.padStart(8)}`,
  );
  for (const { store, samples } of rows) {
    const pick = (name) => samples.map((s) => s[name]);
    console.log(
      `  ${store.padEnd(26)} ${spread(pick('coldRequests')).padStart(15)} ${spread(pick('coldMs'), fmt.ms).padStart(24)} ${spread(pick('rotationRequests')).padStart(22)} ${spread(pick('reloadRequests')).padStart(8)}`,
    );
  }
  return rows;
}
