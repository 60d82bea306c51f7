#!/usr/bin/env node
// `npm run screenshot`: the README's hero image, taken from the demo as `npm run demo` serves it
// (port 8787 unless PORT says otherwise, the key set's real max-age), in headless Chromium:
// a tampered token refused and never sent, then a login verified and the API called with it.
//   node examples/spa/screenshot.mjs [out.png]   (default: examples/spa/screenshot.png)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startDemoIssuer } from './issuer.mjs';

const out = process.argv[2] ?? new URL('screenshot.png', import.meta.url).pathname;
const demo = await startDemoIssuer({ port: Number(process.env.PORT ?? 8787) });
const profile = mkdtempSync(join(tmpdir(), 'tokenward-screenshot-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 720 },
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${demo.url}/`);
  await page.waitForSelector('#key-cache[data-fresh="true"]', { timeout: 15_000 });
  const settle = async (action) => {
    const before = Number((await page.getAttribute('#story', 'data-screen')) ?? 0);
    await action();
    await page.waitForFunction((n) => {
      const story = document.querySelector('#story');
      return Number(story.dataset.screen ?? 0) > n && story.dataset.state === 'done';
    }, before);
  };
  await settle(() => page.click('[data-defence="tamper"]'));
  await page.waitForSelector('#api-result[data-state="blocked"]');
  await settle(() => page.click('#login-button'));
  await page.click('#call-api');
  await page.waitForSelector('#api-result[data-state="sent"]');
  await page.evaluate(() => window.scrollTo(0, 0));
  if (errors.length > 0) throw new Error(`the demo page failed: ${errors.join('; ')}`);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await demo.close();
}
