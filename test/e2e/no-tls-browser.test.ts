import { calculateJwkThumbprint } from 'jose';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { KeyServer } from '../helpers/key-server.js';
import { MitmProxy } from '../helpers/mitm-proxy.js';
import { serveStatic, type StaticSite } from '../helpers/static-site.js';

const root = resolve(import.meta.dirname, '../..');

// A page at http://panel.test (plain http, not loopback: no secure context, no crypto.subtle)
// against the built package; the issuer is http://idp.test, reached only through a MITM proxy.
describe.runIf(chromiumAvailable())(
  'Chromium without TLS: portableCrypto, pins, a bundled key',
  () => {
    let site: StaticSite;
    const issuer = new KeyServer();
    const proxy = new MitmProxy(() => issuer.url);
    let k1: TestKey;
    let evil: TestKey;

    beforeAll(async () => {
      site = await serveStatic(root, { '/': 'test/runtimes/no-tls.html' }, [
        '/dist/',
        '/node_modules/jose/dist/webapi/',
      ]);
      await Promise.all([issuer.start(), proxy.start()]);
      [k1, evil] = await Promise.all([makeKey('k1'), makeKey('k1')]);
    });
    afterAll(() => Promise.all([site.close(), issuer.stop(), proxy.stop()]));

    it('verifies with a bundled key and with pins, and refuses every swap and rewrite', async () => {
      const now = Math.floor(Date.now() / 1000);
      const genuine = await sign(k1);
      const [payloadPart] = [genuine.split('.')[1]!];
      const altered = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(payloadPart, 'base64url').toString()),
          sub: 'admin',
        }),
      ).toString('base64url');
      const tokens = {
        genuine,
        altered: genuine.replace(payloadPart, altered),
        cut: genuine.slice(0, -4),
        forged: await sign(evil, { sub: 'admin' }),
        expired: await sign(k1, { iat: now - 1200, exp: now - 600 }),
      };
      // No Cache-Control: Chromium's HTTP cache must not answer for the proxy when the clock jumps.
      issuer.json('/jwks', { keys: [k1.publicJwk] });
      const pins = [await calculateJwkThumbprint(k1.publicJwk, 'sha256')];
      const idp = proxy.url.replace('127.0.0.1', 'idp.test');
      const planted = {
        v: 1,
        keys: [evil.publicJwk],
        refused: {},
        fetchedAt: Date.now(),
        freshUntil: Date.now() + 3_600_000,
      };
      const browser = await launchChromium(['--host-resolver-rules=MAP *.test 127.0.0.1']);
      try {
        const page = await browser.context.newPage();
        await page.goto(`${site.url.replace('127.0.0.1', 'panel.test')}/`);
        const args = {
          pem: k1.publicPem,
          tokens,
          pins,
          idp,
          planted,
          issuer: ISSUER,
          audience: AUDIENCE,
        };
        // A string, not a function: Vitest would rewrite a function's import() for Node.
        const outcome =
          await page.evaluate(`(async ({ pem, tokens, pins, idp, planted, issuer, audience }) => {
        const { createVerifier, jwks, pem: pemKey, webStorage } = await import('tokenward');
        const { portableCrypto } = await import('tokenward/portable');
        const results = async (verifier) => {
          const out = {};
          for (const [name, token] of Object.entries(tokens))
            out[name] = await verifier.verify(token).then((v) => 'OK ' + v.payload.sub, (e) => e.code);
          return out;
        };
        const bundled = createVerifier({ keys: pemKey(pem), issuer, audience, crypto: portableCrypto });
        let clock = Date.now();
        const events = [];
        localStorage.setItem('tokenward:jwks:' + idp + '/jwks', JSON.stringify(planted));
        const pinned = createVerifier({
          keys: jwks(idp + '/jwks', { pins, retry: 0, cooldown: 1, maxAge: 10 }),
          issuer, audience, crypto: portableCrypto, clock: () => clock,
          cache: webStorage(localStorage),
          onEvent: (e) => events.push(e.type),
        });
        const beforeSwap = await results(pinned);
        window.swap = () => { clock += 11000; };
        let unpinned;
        try { jwks(idp + '/jwks'); unpinned = 'accepted'; } catch (e) { unpinned = e.name + ': ' + e.message; }
        window.pinned = pinned;
        window.results = results;
        return {
          secure: isSecureContext, subtle: typeof crypto.subtle,
          bundled: await results(bundled), beforeSwap, unpinned, events,
        };
      })(${JSON.stringify(args)})`);
        const refusals = {
          altered: 'ERR_SIGNATURE_INVALID',
          cut: 'ERR_TOKEN_MALFORMED',
          forged: 'ERR_SIGNATURE_INVALID',
          expired: 'ERR_TOKEN_EXPIRED',
        };
        expect(outcome).toMatchObject({
          secure: false,
          subtle: 'undefined',
          bundled: { genuine: 'OK user-1', ...refusals },
          beforeSwap: { genuine: 'OK user-1', ...refusals },
          unpinned: expect.stringMatching(/^TypeError: jwks\(\): .*plain http/),
        });
        expect((outcome as { events: string[] }).events).toContain('keys:unpinned'); // the planted entry

        proxy.rewrite = ({ path }) =>
          path === '/jwks' ? { body: JSON.stringify({ keys: [evil.publicJwk] }) } : undefined;
        const afterSwap = await page.evaluate(`(async () => {
        window.swap();
        return window.results(window.pinned);
      })()`);
        expect(afterSwap).toMatchObject({ genuine: 'OK user-1', ...refusals });
        expect(proxy.seen.filter((p) => p === '/jwks')).toHaveLength(2);
      } finally {
        await browser.close();
      }
    }, 90_000);
  },
);
