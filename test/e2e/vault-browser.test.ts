import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { TokenProxy, type Received } from '../helpers/token-proxy.js';

// The vault (tokenward/sw) in Debian's Chromium, through examples/vault: a real oidc-provider,
// authorization code + PKCE in the browser, the code exchanged by the page through the worker
// (bundled from the built package with esbuild; npm test builds dist/ first). The page's token
// endpoint is a proxy in front of the provider's, so the test knows the real tokens and can
// tamper with them.
interface Demo {
  url: string;
  plainUrl: string;
  issuer: string;
  apiUrl: string;
  apiPort: number;
  resource: string;
  accessTtl: number;
  received: Received[];
  close(): Promise<void>;
}
interface Exchange {
  status: number;
  body: Record<string, string>;
}

const LOOK_ALIKE = '--host-resolver-rules=MAP *.evil.test 127.0.0.1';

describe.runIf(chromiumAvailable())('the service worker vault in Chromium', () => {
  let demo: Demo;
  let proxy: TokenProxy;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;

  beforeAll(async () => {
    proxy = await new TokenProxy().start();
    // oidc-provider warns of the development set-up used on purpose; any other warning shows.
    // oidc-provider warns of Node 20 when it is first imported: import the demo under the spy.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // @ts-expect-error: the example's servers are plain JavaScript
    const { startVaultDemo } = await import('../../examples/vault/servers.mjs');
    demo = await startVaultDemo({ port: 0, tokenEndpoint: `${proxy.url}/token` });
    warn.mockRestore();
    for (const [message] of warn.mock.calls)
      if (!/^oidc-provider WARNING: (a quick start|Unsupported runtime)/.test(String(message)))
        console.warn(message);
    proxy.target = demo.issuer;
    browser = await launchChromium([LOOK_ALIKE]);
    context = browser.context;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([demo?.close(), proxy?.stop()]);
  });

  const open = async (path = '/'): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${demo.url}${path}`);
    await page.waitForSelector('body[data-ready=yes]', { timeout: 15_000 });
    return page;
  };

  /** Signs in through the provider's pages, as a user would; resolves with the page's exchange. */
  const signIn = async (page: Page): Promise<Exchange> => {
    await page.evaluate(() => (window as any).demo.vault.signOut());
    await page.click('#signin');
    for (let step = 0; step < 4; step++) {
      await page.waitForURL(
        (url) => url.pathname.startsWith('/interaction/') || url.href === `${demo.url}/`,
      );
      if (!page.url().includes('/interaction/')) break;
      if (await page.$('input[name=login]')) {
        await page.fill('input[name=login]', 'alice');
        await page.fill('input[name=password]', 'any');
      }
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    }
    await page.waitForSelector('body[data-ready=yes]', { timeout: 15_000 });
    return page.evaluate(() => (window as any).demoState.exchange);
  };

  const status = (page: Page) =>
    page.evaluate(() => (window as any).demo.vault.status()) as Promise<{
      state: string;
      claims?: { sub: string };
      expiresAt?: number;
    }>;

  /** Calls `url` from the page; resolves with the Authorization the server received. */
  const sentTo = async (page: Page, url: string, authorization?: string) => {
    const [api, other] = [demo.received.length, proxy.received.length];
    const answered = await page.evaluate(
      async ([url, authorization]) =>
        (await fetch(url!, { headers: authorization ? { authorization } : {} })).status,
      [url, authorization],
    );
    const arrived = [...demo.received.slice(api), ...proxy.received.slice(other)];
    expect(
      arrived.map((r) => r.path),
      url,
    ).toEqual([new URL(url).pathname]);
    return { answered, authorization: arrived[0]!.authorization };
  };

  it('keeps every token out of the page (the example panel shows it), and the API gets the real one', async () => {
    const page = await open();
    const exchange = await signIn(page);
    const real = proxy.answers.at(-1)!;
    expect(exchange.status).toBe(200);
    for (const name of ['access_token', 'refresh_token', 'id_token'])
      expect(exchange.body[name], name).toMatch(/^tokenward-vault-[\w-]{32}$/);
    expect(new Set(Object.values(exchange.body)).size).toBe(Object.keys(exchange.body).length);
    expect(await status(page)).toMatchObject({ state: 'signedIn', claims: { sub: 'alice' } });

    await page.click('#call');
    await page.waitForFunction(() => (window as any).demoState.api);
    expect(await page.evaluate(() => (window as any).demoState.api)).toMatchObject({
      status: 200,
      body: { sub: 'alice', aud: demo.resource },
    });
    expect(demo.received.at(-1)!.authorization).toBe(`Bearer ${real.access_token}`);

    // Every place page script can read: no token, no part of one.
    const found = (await page.evaluate(() => (window as any).demo.scan())) as Record<
      string,
      string
    >;
    expect(Object.keys(found).sort()).toEqual(
      [
        'API answer',
        'caches',
        'cookies',
        'globals',
        'indexedDB',
        'localStorage',
        'sessionStorage',
        'token endpoint answer',
        'vault.status()',
        'worker messages',
      ].sort(),
    );
    expect(found['worker messages']).toContain('signedIn'); // the status replies were recorded
    const secrets = [real.access_token!, real.refresh_token!, real.id_token!];
    const pieces = secrets.flatMap((t) => t.split('.')).filter((p) => p.length > 20);
    for (const [place, text] of Object.entries(found))
      for (const piece of pieces) expect(text.includes(piece), place).toBe(false);
    expect(await page.getAttribute('#verdict', 'data-jwts')).toBe('0');

    // The same scan, in the same app without the vault (another origin, signed in silently with
    // the provider session), does find the tokens that page holds: the search can fail.
    const plain = page.frames().find((f) => f.url().startsWith(demo.plainUrl))!;
    await plain.waitForFunction(() => (window as any).demoState?.exchange);
    await plain.evaluate(() => (window as any).demo.render());
    expect(Number(await plain.getAttribute('#verdict', 'data-jwts'))).toBeGreaterThan(0);
    await page.screenshot({ path: '.tmp/vault-demo.png', fullPage: true });
    await page.close();
  }, 90_000);

  it('sends the token to the resource only: not another origin, a look-alike, another port or a sibling path', async () => {
    const page = await open();
    const { body } = await signIn(page);
    const token = `Bearer ${proxy.answers.at(-1)!.access_token}`;
    const placeholder = `Bearer ${body.access_token}`;
    const { apiUrl, apiPort } = demo;
    expect(await sentTo(page, `${demo.resource}/me/1`, placeholder)).toEqual({
      answered: 200,
      authorization: token,
    });
    expect(await sentTo(page, `${demo.resource}/me/2`)).toEqual({
      answered: 200,
      authorization: token,
    });
    const elsewhere = [
      `http://127.0.0.1:${apiPort}/api/me/origin`, // the same server under another origin
      `http://localhost.evil.test:${apiPort}/api/me/lookalike`, // a prefix look-alike
      `${proxy.url.replace('127.0.0.1', 'localhost')}/api/me/port`, // another port
      `${apiUrl}/apix/sibling`, // a sibling path of /api
      `${apiUrl}/other`,
    ];
    for (const url of elsewhere) {
      // A placeholder stays a placeholder; nothing is added where none was sent.
      expect((await sentTo(page, url, placeholder)).authorization, url).toBe(placeholder);
      expect((await sentTo(page, url)).authorization, url).toBeUndefined();
    }
    // A credential of the app's own is never replaced.
    expect((await sentTo(page, `${demo.resource}/me/3`, 'Basic dXNlcjpwdw==')).authorization).toBe(
      'Basic dXNlcjpwdw==',
    );
    await page.close();
  }, 90_000);

  it.each([
    ['tamper-access', 'ERR_SIGNATURE_INVALID'],
    ['foreign-access', 'ERR_SIGNATURE_INVALID'],
    ['tamper-id', 'ERR_SIGNATURE_INVALID'],
  ] as const)(
    'a %s answer keeps nothing, and the page gets %s',
    async (mode, code) => {
      const page = await open();
      proxy.mode = mode;
      try {
        const exchange = await signIn(page);
        expect(exchange).toEqual({ status: 502, body: { error: 'invalid_token', code } });
      } finally {
        proxy.mode = 'pass';
      }
      expect(await status(page)).toEqual({ state: 'signedOut' });
      expect((await sentTo(page, `${demo.resource}/me/${mode}`)).authorization).toBeUndefined();
      await page.close();
    },
    60_000,
  );

  it('refreshes an expired token once for two tabs, and sends none when the refresh fails', async () => {
    demo.accessTtl = 3;
    const [tab, other] = [await open(), await open()];
    try {
      await signIn(tab);
      const first = proxy.answers.at(-1)!.access_token;
      // One vault for both tabs.
      expect(await status(other)).toMatchObject({ state: 'signedIn', claims: { sub: 'alice' } });
      const { expiresAt } = await status(tab);
      await new Promise((r) => setTimeout(r, expiresAt! - Date.now() + 1100));
      const grants = proxy.grants.length;
      const calls = [tab, other].map((page, i) =>
        page.evaluate(async (url) => (await fetch(url)).status, `${demo.resource}/me/tab${i}`),
      );
      expect(await Promise.all(calls)).toEqual([200, 200]);
      expect(proxy.grants.slice(grants)).toEqual(['refresh_token']);
      const renewed = proxy.answers.at(-1)!.access_token;
      expect(renewed).not.toBe(first);
      const sent = demo.received.slice(-2).map((r) => r.authorization);
      expect(sent).toEqual([`Bearer ${renewed}`, `Bearer ${renewed}`]);

      // The refresh token revoked: an expired token is not sent, and the vault signs out.
      proxy.mode = 'fail-refresh';
      await new Promise((r) => setTimeout(r, 4100));
      expect(await sentTo(tab, `${demo.resource}/me/expired`)).toEqual({
        answered: 401,
        authorization: undefined,
      });
      expect(await status(other)).toEqual({ state: 'signedOut' });
    } finally {
      proxy.mode = 'pass';
      demo.accessTtl = 600;
      await Promise.all([tab.close(), other.close()]);
    }
  }, 90_000);

  it('forgets every token when the browser stops the worker (CDP ServiceWorker.stopWorker)', async () => {
    const page = await open();
    const { body } = await signIn(page);
    const cdp = await context.newCDPSession(page);
    const running = new Set<string>();
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const v of versions) if (v.runningStatus === 'running') running.add(v.versionId);
    });
    await cdp.send('ServiceWorker.enable');
    await expect.poll(() => running.size).toBeGreaterThan(0);
    for (const versionId of running) await cdp.send('ServiceWorker.stopWorker', { versionId });
    // The next request starts a fresh worker: no token, and the stale placeholder is dropped.
    expect(
      await sentTo(page, `${demo.resource}/me/stopped`, `Bearer ${body.access_token}`),
    ).toEqual({
      answered: 401,
      authorization: undefined,
    });
    expect(await status(page)).toEqual({ state: 'signedOut' });
    await page.close();
  }, 60_000);

  it('refuses a page it does not control: a hard reload, no claim in time, no secure context', async () => {
    const page = await open();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.reload', { ignoreCache: true }); // Shift+Reload: past the service worker
    await page.waitForSelector('body[data-ready=yes]');
    expect(await page.evaluate(() => (window as any).demoState.refused)).toBe('not-controlled');
    expect(await page.isDisabled('#signin')).toBe(true);
    await page.close();

    const insecure = await context.newPage();
    await insecure.goto(demo.url.replace('127.0.0.1', 'vault.evil.test'));
    await insecure.waitForSelector('body[data-ready=yes]');
    expect(await insecure.evaluate(() => (window as any).demoState.refused)).toBe('unsupported');
    await insecure.close();

    // A first visit whose worker never claims the page (a fresh profile).
    const fresh = await launchChromium();
    try {
      const first = await fresh.context.newPage();
      await first.goto(`${demo.url}/?claim=no`);
      await first.waitForSelector('body[data-ready=yes]', { timeout: 15_000 });
      expect(await first.evaluate(() => (window as any).demoState.refused)).toBe('timeout');
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
