import type { ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { json, ScriptedServer, type Handler } from '../helpers/scripted-server.js';
import { serveStatic, type StaticSite } from '../helpers/static-site.js';

const root = resolve(import.meta.dirname, '../..');

// Several tabs (pages of one browser context, so one origin's storage) against the built
// dist/, each with its own verifier over a store the tabs share.
const STORES = {
  localStorage: 'webStorage(localStorage)',
  indexedDB: 'indexedDbStore()',
  'Cache API': 'cacheApiStore()',
} as const;
type StoreName = keyof typeof STORES;

describe.runIf(chromiumAvailable())('Chromium: tabs share one key fetch', () => {
  let site: StaticSite;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  const server = new ScriptedServer();
  const routes = new Map<string, Handler>();
  const hanging = new Set<ServerResponse>();
  let k1: TestKey;
  let k2: TestKey;
  let weak: TestKey;
  let pathCount = 0;

  beforeAll(async () => {
    site = await serveStatic(root, { '/': 'test/runtimes/blank.html' }, [
      '/dist/',
      '/node_modules/jose/dist/webapi/',
    ]);
    await server.start();
    server.fallback = (req, res) => {
      const route = routes.get(new URL(req.url!, server.url).pathname);
      if (route === undefined) return void res.writeHead(404).end();
      route(req, res);
    };
    [k1, k2, weak] = await Promise.all([
      makeKey('k1'),
      makeKey('k2'),
      makeKey('k1', 'RS256', 1024),
    ]);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await browser?.close();
    await Promise.all([site?.close(), server.stop()]);
  });
  afterEach(async () => {
    for (const page of browser.context.pages()) await page.close();
  });

  /** A fresh key-set path (so a fresh source and store entry) serving `keys`. */
  const route = (...keys: TestKey[]) => {
    const path = `/jwks-${++pathCount}`;
    routes.set(path, json({ keys: keys.map((k) => k.publicJwk) }));
    return path;
  };
  const requests = (path: string) => server.seen.filter((r) => r.url === path).length;
  const hang: Handler = (_req, res) => void hanging.add(res);

  /** Opens `n` tabs at once, each with a verifier of `path` over the store; `window.verifier`. */
  async function openTabs(n: number, store: string, path: string, source = {}): Promise<Page[]> {
    const pages = await Promise.all(
      Array.from({ length: n }, async () => {
        const page = await browser.context.newPage();
        await page.goto(`${site.url}/`);
        return page;
      }),
    );
    await Promise.all(pages.map((page) => setUp(page, store, path, source)));
    return pages;
  }

  async function setUp(page: Page, store: string, path: string, source: object) {
    const args = {
      url: `${server.url}${path}`,
      issuer: ISSUER,
      audience: AUDIENCE,
      source: { retry: 0, timeout: 3, ...source },
    };
    // A string, not a function: Vitest would rewrite a function's import() for Node.
    await page.evaluate(`(async ({ url, issuer, audience, source }) => {
      const t = await import('tokenward');
      window.events = [];
      window.verifier = t.createVerifier({
        keys: t.jwks(url, source), issuer, audience, cache: t.${store},
        onEvent: (e) => window.events.push(e.type),
      });
    })(${JSON.stringify(args)})`);
  }

  /** 'ok', or the error code, of verify(token) in the page. */
  const verifyIn = (page: Page, token: string): Promise<string> =>
    page.evaluate(
      `window.verifier.verify(${JSON.stringify(token)}).then(() => 'ok', (e) => e.code ?? String(e))`,
    );
  const waitForEvent = (page: Page, type: string) =>
    page.waitForFunction(`window.events.includes(${JSON.stringify(type)})`, null, {
      timeout: 5000,
    });

  describe.each(Object.keys(STORES) as StoreName[])('%s', (name) => {
    const store = STORES[name];

    it('10 tabs opened at once make 1 key request', async () => {
      const path = route(k1);
      const pages = await openTabs(10, store, path);
      const token = await sign(k1);
      const outcomes = await Promise.all(pages.map((page) => verifyIn(page, token)));
      expect(outcomes).toEqual(Array(10).fill('ok'));
      expect(requests(path)).toBe(1);
    }, 60_000);

    it('a rotation seen by one tab is adopted by the others with 0 requests', async () => {
      const path = route(k1);
      // Cooldown 4 s: the nine other tabs' checks below must land inside it even on a busy CI.
      const pages = await openTabs(10, store, path, { cooldown: 4 });
      const old = await sign(k1);
      expect(await Promise.all(pages.map((page) => verifyIn(page, old)))).toEqual(
        Array(10).fill('ok'),
      );
      routes.set(path, json({ keys: [k2.publicJwk] })); // k1 rotated out
      await new Promise((r) => setTimeout(r, 4100)); // past the cooldown
      const rotated = await sign(k2);
      expect(await verifyIn(pages[0]!, rotated)).toBe('ok');
      expect(requests(path)).toBe(2);
      const others = pages.slice(1);
      await Promise.all(others.map((page) => waitForEvent(page, 'keys:adopted')));
      expect(await Promise.all(others.map((page) => verifyIn(page, rotated)))).toEqual(
        Array(9).fill('ok'),
      );
      // The remembered k1 token was forgotten with the old set; the refetch cooldown is shared.
      expect(await Promise.all(others.map((page) => verifyIn(page, old)))).toEqual(
        Array(9).fill('ERR_KEY_NOT_FOUND'),
      );
      expect(requests(path)).toBe(2);
    }, 60_000);

    it('tabs that meet an unknown kid at once refetch once (shared cooldown)', async () => {
      const path = route(k1);
      // A cooldown long enough that no tab, however slow its turn at the lock on a busy
      // machine, finds it over before the first refetch lands (with 1 s, CI saw 3 requests).
      const pages = await openTabs(10, store, path, { cooldown: 4 });
      await Promise.all(pages.map((page) => page.evaluate('window.verifier.hydrate()')));
      expect(requests(path)).toBe(1);
      await new Promise((r) => setTimeout(r, 4100));
      const stranger = await sign(k1, {}, { kid: 'nobody' });
      expect(await Promise.all(pages.map((page) => verifyIn(page, stranger)))).toEqual(
        Array(10).fill('ERR_KEY_NOT_FOUND'),
      );
      expect(requests(path)).toBe(2);
    }, 60_000);

    it('a reload with a fresh stored set makes 0 requests', async () => {
      const path = route(k1);
      const [page] = await openTabs(1, store, path);
      await page!.evaluate('window.verifier.hydrate()');
      await page!.waitForFunction(`new Promise((r) => setTimeout(() => r(true), 100))`);
      await page!.reload();
      await setUp(page!, store, path, {});
      expect(await verifyIn(page!, await sign(k1))).toBe('ok');
      expect(requests(path)).toBe(1);
    }, 60_000);
  });

  it('a tab closed mid-fetch leaves no other tab waiting past the timeout', async () => {
    const path = route(k1);
    const answer = routes.get(path)!;
    let first = true;
    routes.set(path, (req, res) => (first ? ((first = false), hang(req, res)) : answer(req, res)));
    const pages = await openTabs(5, STORES.indexedDB, path, { timeout: 4 });
    const token = await sign(k1);
    const [closing, ...others] = pages;
    void verifyIn(closing!, token).catch(() => undefined);
    await expect.poll(() => requests(path)).toBe(1); // the closing tab holds the lock
    const outcomes = Promise.all(others.map((page) => verifyIn(page, token)));
    await new Promise((r) => setTimeout(r, 300)); // the others queue on the lock
    const closedAt = Date.now();
    await closing!.close();
    expect(await outcomes).toEqual(Array(4).fill('ok'));
    expect(Date.now() - closedAt).toBeLessThan(2000); // well inside the 4 s timeout
    expect(requests(path)).toBe(2);
  }, 60_000);

  it('a tab whose fetch hangs holds the others for at most the timeout', async () => {
    const path = route(k1);
    const answer = routes.get(path)!;
    let first = true;
    routes.set(path, (req, res) => (first ? ((first = false), hang(req, res)) : answer(req, res)));
    const pages = await openTabs(5, STORES.localStorage, path, { timeout: 2 });
    const token = await sign(k1);
    const [stuck, ...others] = pages;
    const stuckOutcome = verifyIn(stuck!, token);
    await expect.poll(() => requests(path)).toBe(1);
    const started = Date.now();
    expect(await Promise.all(others.map((page) => verifyIn(page, token)))).toEqual(
      Array(4).fill('ok'),
    );
    expect(Date.now() - started).toBeLessThan(2000 + 1000);
    expect(await stuckOutcome).toBe('ERR_KEY_FETCH_FAILED');
  }, 60_000);

  it('without Web Locks and BroadcastChannel each tab works alone', async () => {
    const path = route(k1);
    await browser.context.addInitScript(
      'if (location.hash === "#alone") { Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined }); delete window.BroadcastChannel; }',
    );
    const pages = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const page = await browser.context.newPage();
        await page.goto(`${site.url}/#alone`);
        await setUp(page, STORES.indexedDB, path, {});
        return page;
      }),
    );
    expect(await pages[0]!.evaluate('typeof navigator.locks + typeof BroadcastChannel')).toBe(
      'undefinedundefined',
    );
    const token = await sign(k1);
    expect(await Promise.all(pages.map((page) => verifyIn(page, token)))).toEqual(
      Array(3).fill('ok'),
    );
    expect(requests(path)).toBeGreaterThanOrEqual(1);
  }, 60_000);

  describe('a poisoned entry written by the page is ignored and refetched', () => {
    const entry = (keys: unknown[]) => ({
      v: 1,
      keys,
      refused: {},
      fetchedAt: Date.now(),
      freshUntil: Date.now() + 3_600_000,
    });
    const poisons = (): [string, unknown][] => [
      ['text that is not JSON', '{"v":1,'],
      ['a private key', entry([k1.privateJwk])],
      ['a symmetric key', entry([{ kty: 'oct', k: 'c2VjcmV0', kid: 'k1', alg: 'HS256' }])],
      ['a 1024-bit RSA key', entry([weak.publicJwk])],
      ['the wrong shape', { ...entry([k1.publicJwk]), freshUntil: 'later' }],
    ];
    // How script on the page writes straight into each store, bypassing tokenward.
    const writers: Record<StoreName, string> = {
      localStorage: `localStorage.setItem('tokenward:' + id, text)`,
      indexedDB: `await new Promise((done, fail) => {
        const open = indexedDB.open('tokenward', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('key-sets');
        open.onsuccess = () => {
          const tx = open.result.transaction('key-sets', 'readwrite');
          tx.objectStore('key-sets').put(value, id);
          tx.oncomplete = () => { open.result.close(); done(); };
          tx.onerror = () => fail(tx.error);
        };
        open.onerror = () => fail(open.error);
      })`,
      'Cache API': `await (await caches.open('tokenward')).put(
        'https://tokenward.invalid/key-sets/' + encodeURIComponent(id), new Response(text))`,
    };

    it.each(Object.keys(STORES) as StoreName[])(
      'in %s',
      async (name) => {
        const outcomes: Record<string, [string, number]> = {};
        const expected: Record<string, [string, number]> = {};
        const page = await browser.context.newPage();
        await page.goto(`${site.url}/`);
        for (const [what, poison] of poisons()) {
          const path = route(k1);
          const id = `jwks:${server.url}${path}`;
          const text = typeof poison === 'string' ? poison : JSON.stringify(poison);
          await page.evaluate(
            `(async ({ id, text, value }) => { ${writers[name]}; })(${JSON.stringify({ id, text, value: poison })})`,
          );
          await setUp(page, STORES[name], path, {});
          outcomes[what] = [await verifyIn(page, await sign(k1)), requests(path)];
          expected[what] = ['ok', 1];
        }
        expect(outcomes).toEqual(expected);
      },
      60_000,
    );
  });

  it('memoryStore() is per tab: 10 tabs make 10 requests (the browser cache hides none)', async () => {
    const path = route(k1);
    const pages = await openTabs(10, 'memoryStore()', path);
    const token = await sign(k1);
    await Promise.all(pages.map((page) => verifyIn(page, token)));
    expect(requests(path)).toBe(10);
  }, 60_000);
});
