import { copyFileSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the demo issuer is plain JavaScript
import { startDemoIssuer } from '../../examples/spa/issuer.mjs';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';

// The demo page is served from dist/, so this suite needs `npm run build` first (npm test does it).
const runs = chromiumAvailable();

describe.runIf(runs)('the demo page in Chromium', () => {
  let demo: { url: string; close: () => Promise<void> };
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const serverLog: string[] = [];

  beforeAll(async () => {
    demo = await startDemoIssuer({ port: 0, log: (line: string) => serverLog.push(line) });
    browser = await launchChromium();
    page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${demo.url}/`);
    await page.waitForFunction(() => document.querySelector('#events li') !== null, null, {
      timeout: 10_000,
    });
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const defence = async (name: string) => {
    await page.click(`[data-defence="${name}"]`);
    await page.waitForFunction(
      () => document.querySelector('#defence-result')?.getAttribute('data-state') !== 'idle',
      null,
      { timeout: 15_000 },
    );
    return page.getAttribute('#defence-result', 'data-code');
  };

  it('logs in, verifies the token in the browser, and calls the API with it', async () => {
    await page.click('#login-button');
    await page.waitForSelector('#verdict[data-state="ok"]');
    expect(await page.textContent('#claims')).toContain('"aud": "tokenward-demo"');
    await page.click('#call-api');
    await page.waitForFunction(() =>
      document.querySelector('#api-result')?.textContent?.includes('Hello'),
    );
    expect(serverLog.some((line) => line.includes('verified token'))).toBe(true);
  });

  it.each([
    ['tamper', 'ERR_SIGNATURE_INVALID'],
    ['none', 'ERR_ALG_NOT_ALLOWED'],
    ['unknown-key', 'ERR_KEY_NOT_FOUND'],
    ['expire', 'ERR_TOKEN_EXPIRED'],
  ])('shows the %s defence refusing with %s, and sends nothing', async (name, code) => {
    const apiCallsBefore = serverLog.filter((line) => line.startsWith('server')).length;
    expect(await defence(name)).toBe(code);
    await page.waitForFunction(() =>
      document.querySelector('#api-result')?.textContent?.startsWith('Not sent'),
    );
    expect(serverLog.filter((line) => line.startsWith('server')).length).toBe(apiCallsBefore);
  });

  it('follows a key rotation with one key request', async () => {
    const fetchesBefore = serverLog.filter((line) => line.includes('jwks.json')).length;
    expect(await defence('rotate')).toBe('OK');
    expect(serverLog.filter((line) => line.includes('jwks.json')).length).toBe(fetchesBefore + 1);
  });

  it.each([
    ['ok', 'OK'],
    ['wrong-nonce', 'ERR_CLAIM_INVALID'],
    ['wrong-client', 'ERR_CLAIM_INVALID'],
    ['swapped-access-token', 'ERR_CLAIM_INVALID'],
  ])('shows the SSO ID-token check %s → %s', async (variant, code) => {
    await page.click(`[data-sso="${variant}"]`);
    await page.waitForFunction(
      () => document.querySelector('#sso-result')?.getAttribute('data-state') !== 'idle',
    );
    expect(await page.getAttribute('#sso-result', 'data-code')).toBe(code);
    const claim = {
      'wrong-nonce': 'nonce',
      'wrong-client': 'aud',
      'swapped-access-token': 'at_hash',
    }[variant];
    if (claim !== undefined)
      expect(await page.textContent('#sso-result')).toContain(`claim ${claim}`);
  });

  it('keeps verifying from the stale key set while the key server is down', async () => {
    expect(await defence('keys-down')).toBe('OK');
    expect(await page.textContent('#events')).toContain('keys:stale');
    expect(serverLog.some((line) => line.includes('503'))).toBe(true);
    mkdirSync('.tmp', { recursive: true });
    await page.click('#login-button');
    await page.waitForSelector('#verdict[data-state="ok"]');
    await page.click('#call-api');
    await page.waitForFunction(() =>
      document.querySelector('#api-result')?.textContent?.includes('Hello'),
    );
    await page.screenshot({ path: '.tmp/demo.png', fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1')
      copyFileSync('.tmp/demo.png', 'examples/spa/screenshot.png');
  });
});
