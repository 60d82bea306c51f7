import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { AUDIENCE, ISSUER, makeKey, sign } from '../helpers/keys.js';
import { ScriptedServer } from '../helpers/scripted-server.js';
import { serveStatic, type StaticSite } from '../helpers/static-site.js';

const root = resolve(import.meta.dirname, '../..');

// The redirect session swap, in a real browser against the built package: the allowed API
// redirects to a foreign origin that hands back a validly signed token of its own.
describe.runIf(chromiumAvailable())('Chromium: redirects and the attach side', () => {
  let site: StaticSite;
  const allowed = new ScriptedServer();
  const foreign = new ScriptedServer();

  beforeAll(async () => {
    site = await serveStatic(root, { '/': 'test/runtimes/blank.html' }, [
      '/dist/',
      '/node_modules/jose/dist/webapi/',
    ]);
    await Promise.all([allowed.start('127.0.0.1'), foreign.start('localhost')]);
  });
  afterAll(() => Promise.all([site.close(), allowed.stop(), foreign.stop()]));

  it('reads no token from a foreign origin reached by a redirect, and sends it none', async () => {
    const key = await makeKey('browser-redirect');
    const [victim, attacker] = [
      await sign(key, { sub: 'victim' }),
      await sign(key, { sub: 'attacker' }),
    ];
    allowed.fallback = (_req, res) => res.writeHead(302, { location: `${foreign.url}/swap` }).end();
    foreign.fallback = (_req, res) => res.writeHead(200, { 'x-token': attacker }).end('{}');
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${site.url}/`);
      // A string, not a function: Vitest would rewrite a function's import() for Node.
      const args = {
        jwk: key.publicJwk,
        token: victim,
        issuer: ISSUER,
        audience: AUDIENCE,
        api: allowed.url,
      };
      const outcome = await page.evaluate(`(async ({ jwk, token, issuer, audience, api }) => {
        const { createFetch, createVerifier, localJwks } = await import('tokenward');
        const stored = [];
        const consulted = [];
        const send = createFetch({
          verifier: createVerifier({ keys: localJwks(jwk), issuer, audience }),
          getToken: () => token,
          allowedOrigins: [api],
          responseToken: (response) => {
            consulted.push(response.url);
            return response.headers.get('x-token');
          },
          onToken: (verified) => void stored.push(verified.payload.sub),
        });
        const response = await send(api + '/me');
        return { status: response.status, url: response.url, stored, consulted };
      })(${JSON.stringify(args)})`);
      expect(outcome).toEqual({
        status: 200,
        url: `${foreign.url}/swap`,
        stored: [],
        consulted: [],
      });
      expect(allowed.seen[0]!.headers.authorization).toBe(`Bearer ${victim}`);
      expect(foreign.seen.map((r) => r.headers.authorization)).toEqual([undefined]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
