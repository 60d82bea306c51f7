// 7, Chromium: what the service worker vault (tokenward/sw) adds to each request. examples/vault
// against its real oidc-provider, signed in through the provider's pages; the same API request
// (GET /api/me, the API verifies the token) from the page with the vault (no Authorization: the
// worker verifies the kept token and attaches it) and from the same app on an origin without a
// worker (the token held by the page, in the header). Also a request the vault leaves alone
// (another path): what having the worker's fetch listener costs at all. Rounds interleave the
// contenders (rotating order), each timing 50 sequential requests inside the page.
import { spread } from './lib/measure.mjs';
import { fmt, title } from './lib/report.mjs';
import { loadavg } from 'node:os';
import { launchChromium } from './lib/chromium.mjs';
import { startVaultDemo } from '../examples/vault/servers.mjs';

const ROUNDS = 15;
const PER_ROUND = 50;

async function signIn(page, url) {
  await page.click('#signin');
  for (let step = 0; step < 4; step++) {
    await page.waitForURL((u) => u.pathname.startsWith('/interaction/') || u.href === `${url}/`);
    if (!page.url().includes('/interaction/')) break;
    if (await page.$('input[name=login]')) {
      await page.fill('input[name=login]', 'alice');
      await page.fill('input[name=password]', 'any');
    }
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }
  await page.waitForSelector('body[data-ready=yes]');
}

/** ms per request of `count` sequential fetches, timed in the page. */
const timed = (frame, url, withHeldToken) =>
  frame.evaluate(
    async ([url, count, withHeldToken]) => {
      const held = withHeldToken ? JSON.parse(sessionStorage.getItem('tokens')).access_token : '';
      const init = held ? { headers: { authorization: `Bearer ${held}` } } : {};
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const response = await fetch(url, init);
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        await response.arrayBuffer();
      }
      return (performance.now() - started) / count;
    },
    [url, PER_ROUND, withHeldToken],
  );

export async function vaultOverhead() {
  title(
    '7. Chromium: per-request cost of the service worker vault (examples/vault, oidc-provider)',
  );
  const demo = await startVaultDemo({ port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${demo.url}/`);
    await page.waitForSelector('body[data-ready=yes]');
    await signIn(page, demo.url);
    const frame = await page.waitForSelector('#without[src]');
    const plain = await frame.contentFrame();
    await plain.waitForFunction(() => sessionStorage.getItem('tokens'), null, { timeout: 30_000 });
    const api = `${demo.resource}/me`;
    const other = `${demo.apiUrl}/other`;
    const contenders = [
      ['token held by the page (no worker)', () => timed(plain, api, true)],
      ['vault attaches the token', () => timed(page, api, false)],
      ['no worker, no token (other path)', () => timed(plain, other, false)],
      ['vault leaves it alone (other path)', () => timed(page, other, false)],
    ];
    const samples = new Map(contenders.map(([name]) => [name, []]));
    for (let round = -1; round < ROUNDS; round++)
      for (let k = 0; k < contenders.length; k++) {
        const [name, run] = contenders[(k + round + 1) % contenders.length];
        const ms = await run();
        if (round >= 0) samples.get(name).push(ms * 1000);
      }
    for (const [name, values] of samples) {
      const { median, min, max } = spread(values);
      console.log(
        `  ${name.padEnd(38)} ${fmt.us(median)} µs/request  (rounds ${fmt.us(min)}–${fmt.us(max)})`,
      );
    }
    const [held, vault, bare, passed] = [...samples.values()];
    const diff = (a, b) => spread(a.map((v, i) => v - b[i]));
    const attach = diff(vault, held);
    const pass = diff(passed, bare);
    console.log(
      `  vault overhead per attached request: ${fmt.us(attach.median)} µs (rounds ${fmt.us(attach.min)}–${fmt.us(attach.max)}); ` +
        `per request it leaves alone: ${fmt.us(pass.median)} µs (${fmt.us(pass.min)}–${fmt.us(pass.max)}); ` +
        `${ROUNDS} rounds × ${PER_ROUND} sequential requests, contenders interleaved; ` +
        `load average ${loadavg()[0].toFixed(1)}`,
    );
  } finally {
    await browser.close();
    await demo.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await vaultOverhead();
