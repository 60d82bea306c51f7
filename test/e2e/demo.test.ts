import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the demo issuer is plain JavaScript
import { startDemoIssuer } from '../../examples/spa/issuer.mjs';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';

// The demo page is served from dist/, so this suite needs `npm run build` first (npm test does it).
const runs = chromiumAvailable();

// The key set's max-age in this suite: short, so that a stale set and its 304 come quickly.
const KEYS_MAX_AGE = 3;

describe.runIf(runs)('the demo page in Chromium', () => {
  let demo: { url: string; close: () => Promise<void> };
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const serverLog: string[] = [];
  const errors: string[] = [];
  const keyRequests = () => serverLog.filter((line) => line.includes('jwks.json'));

  beforeAll(async () => {
    demo = await startDemoIssuer({
      port: 0,
      keysMaxAge: KEYS_MAX_AGE,
      log: (line: string) => serverLog.push(line),
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${demo.url}/`);
    await page.waitForSelector('#key-server-state[data-state="up"]', { timeout: 10_000 });
    // hydrate() fetched the keys at load, and the page's timeline shows that request.
    await page.waitForSelector('#events [data-type="key server"]');
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  // Each token put on screen gets the next number; 'done' once its verdict is shown.
  const screenNumber = async () => Number((await page.getAttribute('#story', 'data-screen')) ?? 0);
  const nextVerdict = async (action: () => Promise<void>) => {
    const before = await screenNumber();
    await action();
    await page.waitForFunction(
      (n) => {
        const story = document.querySelector<HTMLElement>('#story')!;
        return Number(story.dataset.screen ?? 0) > n && story.dataset.state === 'done';
      },
      before,
      { timeout: 15_000 },
    );
  };
  const marks = () =>
    page.$$eval('#checks li', (items) =>
      Object.fromEntries(items.map((li) => [li.getAttribute('data-check'), li.dataset.mark])),
    );
  const verdictCode = () => page.getAttribute('#verdict', 'data-code');

  const defence = async (name: string) => {
    await nextVerdict(() => page.click(`[data-defence="${name}"]`));
    return verdictCode();
  };
  const login = () => nextVerdict(() => page.click('#login-button'));

  it('logs in, shows each check passed and the times in words, and calls the API', async () => {
    await login();
    expect(await page.getAttribute('#verdict', 'data-state')).toBe('ok');
    const checks = await marks();
    expect(Object.keys(checks)).toEqual([
      'format',
      'alg',
      'key',
      'signature',
      'exp',
      'iat',
      'iss',
      'aud',
    ]);
    expect(Object.values(checks).every((mark) => mark === 'pass')).toBe(true);
    const claims = (await page.textContent('#claims'))!;
    expect(claims).toContain('"aud": "tokenward-demo"');
    expect(claims).toMatch(/"exp": \d+ {2}\/\/ \d{1,2}:\d\d:\d\d.*, expires in [45] m/);
    expect(claims).toMatch(/"iat": \d+, {2}\/\/ .*issued (just now|\d s ago)/);
    expect(await page.textContent('#api-result')).toBe('Not called yet for this token.');
    await page.click('#call-api');
    await page.waitForSelector('#api-result[data-state="sent"]');
    expect(await page.textContent('#api-result')).toContain('Hello');
    expect(serverLog.some((line) => line.includes('verified token'))).toBe(true);
  });

  it('verifies from the fresh cached key set without a key request', async () => {
    const before = keyRequests().length;
    await login();
    await login();
    expect(await page.getAttribute('#verdict', 'data-state')).toBe('ok');
    expect(keyRequests()).toHaveLength(before);
    expect(await page.textContent('#events')).toContain('keys taken from the fresh cached set');
    expect(await page.textContent('#key-cache')).toMatch(/kid demo-1, max-age 3 s/);
  });

  it('revalidates a stale key set with one conditional request answered 304', async () => {
    // The freshness is time itself: wait for the page to say the set has gone stale.
    await page.waitForSelector('#key-cache[data-fresh="false"]', {
      timeout: (KEYS_MAX_AGE + 10) * 1000,
    });
    const before = keyRequests().length;
    await login();
    expect(await page.getAttribute('#verdict', 'data-state')).toBe('ok');
    expect(keyRequests().slice(before)).toEqual([expect.stringMatching(/jwks\.json {2}→ 304$/)]);
    await page.waitForSelector('#events li:has-text("→ 304: Not Modified")');
  });

  it.each([
    ['tamper', 'ERR_SIGNATURE_INVALID', 'signature'],
    ['none', 'ERR_ALG_NOT_ALLOWED', 'alg'],
    ['unknown-key', 'ERR_KEY_NOT_FOUND', 'key'],
    ['expire', 'ERR_TOKEN_EXPIRED', 'exp'],
  ])(
    'shows the %s defence refusing with %s, marks the failed check, and sends nothing',
    async (name, code, failed) => {
      const apiCallsBefore = serverLog.filter((line) => line.startsWith('api')).length;
      expect(await defence(name)).toBe(code);
      const checks = await marks();
      expect(checks[failed]).toBe('fail');
      const order = Object.keys(checks);
      for (const check of order.slice(0, order.indexOf(failed))) expect(checks[check]).toBe('pass');
      for (const check of order.slice(order.indexOf(failed) + 1))
        expect(checks[check]).toBe('skip');
      await page.waitForSelector('#api-result[data-state="blocked"]');
      expect(await page.textContent('#api-result')).toMatch(/^Not sent/);
      expect(serverLog.filter((line) => line.startsWith('api')).length).toBe(apiCallsBefore);
    },
  );

  it('never shows a green verdict next to a tampered token', async () => {
    await login();
    expect(await page.getAttribute('#verdict', 'data-state')).toBe('ok');
    await page.click('#call-api');
    await page.waitForSelector('#api-result[data-state="sent"]');
    const before = await screenNumber();
    await page.click('[data-defence="tamper"]');
    // From the moment the tampered token is on screen, the verdict is about it.
    await page.waitForFunction(() =>
      document.querySelector('#claims')?.textContent?.includes('"admin"'),
    );
    expect(await page.getAttribute('#verdict', 'data-state')).not.toBe('ok');
    expect(await page.getAttribute('#api-result', 'data-state')).not.toBe('sent');
    await page.waitForFunction(
      (n) => Number(document.querySelector<HTMLElement>('#story')!.dataset.screen) > n,
      before,
    );
    await page.waitForSelector('#story[data-state="done"]');
    expect(await page.getAttribute('#verdict', 'data-state')).toBe('refused');
  });

  it('follows a key rotation with one key request', async () => {
    // The page's cooldown is 2 s and the key set's max-age 3 s: a revalidation that the steps
    // before happened to trigger less than 2 s ago would rightly keep the unknown kid from
    // refetching (API.md: no refetch within cooldown). Let the cooldown pass first; the page is
    // idle meanwhile, so no request can start a new one.
    await page.waitForTimeout(2100);
    const before = keyRequests().length;
    expect(await defence('rotate')).toBe('OK');
    expect(keyRequests().slice(before)).toEqual([expect.stringMatching(/→ 200$/)]);
    // Usually the unknown kid triggers it; with this suite's 3 s max-age the set may have gone
    // stale first, and then its revalidation brings the new key: one request either way.
    expect(await page.textContent('#events')).toMatch(
      /the token names a kid the cached set lacks|the cached set is past its max-age/,
    );
  });

  it.each([
    ['ok', 'OK', undefined],
    ['wrong-nonce', 'ERR_CLAIM_INVALID', 'nonce'],
    ['wrong-client', 'ERR_CLAIM_INVALID', 'aud'],
    ['swapped-access-token', 'ERR_CLAIM_INVALID', 'at_hash'],
  ])(
    'shows the SSO ID-token check %s → %s, with a mark per check',
    async (variant, code, claim) => {
      await nextVerdict(() => page.click(`[data-sso="${variant}"]`));
      expect(await verdictCode()).toBe(code);
      const checks = await marks();
      expect(Object.keys(checks)).toEqual(
        expect.arrayContaining(['signature', 'iss', 'aud', 'azp', 'nonce', 'auth_time', 'at_hash']),
      );
      if (claim === undefined) expect(new Set(Object.values(checks))).toEqual(new Set(['pass']));
      else {
        expect(checks[claim]).toBe('fail');
        expect(checks.signature).toBe('pass');
        expect(await page.textContent('#verdict')).toContain(`claim ${claim}`);
      }
      // An ID token is not sent to an API.
      expect(await page.isDisabled('#call-api')).toBe(true);
    },
  );

  it('takes the key server down with a toggle that survives a reload, and brings it back', async () => {
    await page.click('#key-toggle');
    await page.waitForSelector('#key-server-state[data-state="down"]');
    expect((await fetch(`${demo.url}/.well-known/jwks.json`)).status).toBe(503);
    await page.waitForSelector('#key-cache[data-fresh="false"]', {
      timeout: (KEYS_MAX_AGE + 10) * 1000,
    });
    await login();
    expect(await page.getAttribute('#verdict', 'data-state')).toBe('ok');
    expect(await page.textContent('#events')).toContain('keys:stale');
    expect(serverLog.some((line) => line.includes('→ 503'))).toBe(true);
    await page.click('#call-api');
    await page.waitForSelector('#api-result[data-state="sent"]');
    await page.reload();
    await page.waitForSelector('#key-server-state[data-state="down"]');
    expect(await page.textContent('#key-toggle')).toBe('Bring it back up');
    await page.click('#key-toggle');
    await page.waitForSelector('#key-server-state[data-state="up"]');
    expect((await fetch(`${demo.url}/.well-known/jwks.json`)).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await login();
      const [scrollWidth, width] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        window.innerWidth,
      ]);
      expect(scrollWidth).toBeLessThanOrEqual(width);
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  it("labels the API's log lines as the API's, and the key server's as its own", async () => {
    await login();
    await page.click('#call-api');
    await page.waitForSelector('#api-result[data-state="sent"]');
    const tags = await page.$$eval('#events li[data-kind="server"] .tag', (items) =>
      items.map((item) => item.textContent),
    );
    expect(tags).toContain('API');
    expect(tags).toContain('key server');
    expect(tags.filter((tag) => !['API', 'key server', 'issuer'].includes(tag!))).toEqual([]);
    const api = await page.textContent('#events li[data-type="API"]');
    expect(api).toMatch(/verified token for ada-lovelace → 200/);
  });

  it('brings each verdict into view on a 390 px phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const inView = (selector: string) =>
      page.$eval(selector, (element) => {
        const { top, bottom } = element.getBoundingClientRect();
        return top >= 0 && bottom <= window.innerHeight;
      });
    try {
      for (const button of [
        '[data-defence="tamper"]',
        '[data-sso="wrong-nonce"]',
        '#login-button',
      ]) {
        await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
        expect(await inView('#verdict')).toBe(false);
        await nextVerdict(() => page.click(button));
        await page.waitForFunction(() => {
          const { top, bottom } = document.querySelector('#verdict')!.getBoundingClientRect();
          return top >= 0 && bottom <= window.innerHeight;
        });
      }
      await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
      await page.click('#call-api');
      await page.waitForSelector('#api-result[data-state="sent"]');
      await page.waitForFunction(() => {
        const { top, bottom } = document.querySelector('#api-result')!.getBoundingClientRect();
        return top >= 0 && bottom <= window.innerHeight;
      });
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  it('serves its keys and discovery to an app on another origin (CORS)', async () => {
    // localhost and 127.0.0.1 are two origins (and both secure contexts): the page below is
    // someone's own app, verifying the demo's tokens with the demo issuer's keys.
    const token = (
      (await (await fetch(`${demo.url}/login`, { method: 'POST' })).json()) as {
        access_token: string;
      }
    ).access_token;
    const app = await browser.context.newPage();
    try {
      await app.goto(`${demo.url.replace('127.0.0.1', 'localhost')}/`);
      // A string, so that vitest leaves the page's own dynamic import (through its import map) alone.
      const result = await app.evaluate(`(async () => {
        const issuer = ${JSON.stringify(demo.url)};
        const { createVerifier, discovery } = await import('tokenward');
        const verifier = createVerifier({ keys: discovery(issuer), audience: 'tokenward-demo' });
        const { payload } = await verifier.verify(${JSON.stringify(token)});
        const first = await fetch(issuer + '/.well-known/jwks.json');
        const etag = first.headers.get('etag');
        const again = await fetch(issuer + '/.well-known/jwks.json', {
          headers: { 'if-none-match': etag ?? '' },
          cache: 'no-store',
        });
        return { sub: payload.sub, etag, date: first.headers.has('date'), status: again.status };
      })()`);
      expect(result).toEqual({
        sub: 'demo-user',
        etag: expect.any(String),
        date: true,
        status: 304,
      });
    } finally {
      await app.close();
    }
  });

  it('says on the page that WebCrypto is missing when opened from a non-secure origin', async () => {
    // http:// on a host that is not localhost is not a secure context: no crypto.subtle.
    const insecure = await launchChromium([
      '--host-resolver-rules=MAP demo.tokenward.test 127.0.0.1',
    ]);
    try {
      const other = await insecure.context.newPage();
      await other.goto(`${demo.url.replace('127.0.0.1', 'demo.tokenward.test')}/`);
      await other.waitForSelector('#fatal:not([hidden])');
      expect(await other.textContent('#fatal')).toMatch(/WebCrypto.*secure contexts/);
      expect(await other.isDisabled('#login-button')).toBe(true);
    } finally {
      await insecure.close();
    }
  }, 60_000);
});
