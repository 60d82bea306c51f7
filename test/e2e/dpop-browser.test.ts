import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { DpopApi, proofClaims, proofHeader } from '../helpers/dpop-api.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { serveStatic, type StaticSite } from '../helpers/static-site.js';
import { startDpopProvider, tokenRequestBody } from '../helpers/dpop-provider.js';
import {
  createDpop,
  createDpopVerifier,
  createVerifier,
  discovery,
  localJwks,
  memoryDpopStore,
} from '../../src/index.js';

const root = resolve(import.meta.dirname, '../..');

// The client half of DPoP in a real browser, against the built package: the key in IndexedDB,
// across a reload, never exportable; proofs sent by createFetch and ky to a real API that checks
// them with createDpopVerifier; and what a proof costs.
describe.runIf(chromiumAvailable())('Chromium: DPoP keys and proofs', () => {
  let site: StaticSite;
  let api: DpopApi;
  let issuerKey: TestKey;

  beforeAll(async () => {
    site = await serveStatic(root, { '/': 'test/runtimes/dpop.html' }, [
      '/dist/',
      '/node_modules/jose/dist/webapi/',
      '/node_modules/ky/distribution/',
    ]);
    [api, issuerKey] = await Promise.all([new DpopApi().start(), makeKey('as-1')]);
    api.verifier = createDpopVerifier({
      verifier: createVerifier({
        keys: localJwks(issuerKey.publicJwk),
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
      nonce: true,
    });
  });
  afterAll(() => Promise.all([site.close(), api.stop()]));

  it('keeps one non-extractable key across a reload, sends proofs the API accepts, and measures them', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${site.url}/`);
      // Strings, not functions: Vitest would rewrite a function's import() for Node.
      const first = (await page.evaluate(`(async () => {
        const { createDpop } = await import('tokenward');
        const dpop = await createDpop();
        const proof = await dpop.proof({ method: 'GET', url: location.href, accessToken: 't' });
        // Straight from IndexedDB, as script in the page (an XSS) would read it.
        const pair = await new Promise((resolve, reject) => {
          const open = indexedDB.open('tokenward-dpop');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('keys').objectStore('keys').get('dpop');
            get.onsuccess = () => resolve(get.result);
            get.onerror = () => reject(get.error);
          };
        });
        const exports = [];
        for (const format of ['jwk', 'pkcs8']) {
          exports.push(await crypto.subtle.exportKey(format, pair.privateKey).then(() => 'exported', (e) => e.name));
        }
        return { jkt: dpop.jkt, proof, extractable: pair.privateKey.extractable, exports };
      })()`)) as { jkt: string; proof: string; extractable: boolean; exports: string[] };
      expect(first.extractable).toBe(false);
      expect(first.exports).toEqual(['InvalidAccessError', 'InvalidAccessError']);
      const { jwk } = proofHeader(first.proof) as { jwk: Record<string, string> };
      expect(Object.keys(jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
      expect(first.proof).not.toMatch(/"d"|pkcs|PRIVATE/);

      await page.reload();
      const jkt = await page.evaluate(`(async () => {
        const { createDpop } = await import('tokenward');
        return (await createDpop()).jkt;
      })()`);
      expect(jkt).toBe(first.jkt);

      // The page calls the API with a token bound to its key, through createFetch and ky.
      const token = await sign(issuerKey, { cnf: { jkt: first.jkt } });
      const args = {
        jwk: issuerKey.publicJwk,
        token,
        issuer: ISSUER,
        audience: AUDIENCE,
        api: api.url,
      };
      const calls = await page.evaluate(`(async ({ jwk, token, issuer, audience, api }) => {
        const { createDpop, createFetch, createVerifier, localJwks } = await import('tokenward');
        const { withVerifiedToken } = await import('tokenward/ky');
        const { default: ky } = await import('ky');
        const dpop = await createDpop();
        const options = {
          verifier: createVerifier({ keys: localJwks(jwk), issuer, audience }),
          getToken: () => token,
          allowedOrigins: [api],
          dpop,
        };
        const viaFetch = await createFetch(options)(api + '/orders', { method: 'POST', body: 'one' });
        const viaKy = await withVerifiedToken(ky.create({ throwHttpErrors: false }), options).post(api + '/orders', { body: 'two' });
        return [[viaFetch.status, await viaFetch.json()], [viaKy.status, await viaKy.json()]];
      })(${JSON.stringify(args)})`);
      expect(calls).toEqual([
        [200, { sub: 'user-1', jkt: first.jkt, body: 'one' }],
        [200, { sub: 'user-1', jkt: first.jkt, body: 'two' }],
      ]);
      // createFetch met the nonce requirement (401 use_dpop_nonce, retried once with the body);
      // ky, sharing the same dpop object, used the nonce it had learned at once.
      expect(api.calls.map((c) => [c.status, c.body])).toEqual([
        [401, 'one'],
        [200, 'one'],
        [200, 'two'],
      ]);
      expect(proofClaims(api.calls[1]!.dpop!).nonce).toBe(await api.verifier!.nonce());

      // The cost per request: proofs with `ath` (one SHA-256 and one ECDSA P-256 signature).
      const batches = (await page.evaluate(`(async () => {
        const { createDpop } = await import('tokenward');
        const dpop = await createDpop();
        const token = 'x'.repeat(900);
        const perProof = [];
        for (let batch = 0; batch < 7; batch++) {
          const started = performance.now();
          for (let i = 0; i < 200; i++) await dpop.proof({ method: 'GET', url: location.href, accessToken: token });
          perProof.push(((performance.now() - started) / 200) * 1000);
        }
        return perProof;
      })()`)) as number[];
      const sorted = batches.slice(1).sort((a, b) => a - b); // the first batch warms up
      console.log(
        `DPoP proof in Chromium: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} µs, ` +
          `range ${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)} µs (6 batches of 200, after warm-up)`,
      );
      expect(sorted[0]).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('an SPA gets a DPoP-bound token from oidc-provider (nonce retry) and calls the API with it', async () => {
    const orders = await new DpopApi().start();
    const provider = await startDpopProvider(orders.url, site.url);
    const { issuer } = provider;
    orders.verifier = createDpopVerifier({
      verifier: createVerifier({ keys: discovery(issuer), issuer, audience: orders.url }),
    });
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${site.url}/`);
      // The redirect back to the SPA, done by the test: the page gets the code and its verifier.
      const { code, codeVerifier } = await provider.authorize();
      const args = { issuer, api: orders.url, body: tokenRequestBody(code, codeVerifier) };
      const outcome = (await page.evaluate(`(async ({ issuer, api, body }) => {
        const { createDpop, createFetch, createVerifier, discovery } = await import('tokenward');
        const { withVerifiedToken } = await import('tokenward/ky');
        const { default: ky } = await import('ky');
        const dpop = await createDpop();
        const verifier = createVerifier({ keys: discovery(issuer), issuer, audience: api });
        const statuses = [];
        const tokenFetch = createFetch({
          verifier,
          getToken: () => undefined,
          allowedOrigins: [issuer],
          dpop,
          fetch: async (input, init) => {
            const response = await fetch(input, init);
            statuses.push(response.status);
            return response;
          },
        });
        const response = await tokenFetch(issuer + '/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        const tokens = await response.json();
        const options = { verifier, getToken: () => tokens.access_token, allowedOrigins: [api], dpop };
        const viaFetch = await createFetch(options)(api + '/orders', { method: 'POST', body: 'one' });
        const viaKy = await withVerifiedToken(ky.create({ throwHttpErrors: false }), options).get(api + '/orders');
        return {
          jkt: dpop.jkt,
          statuses,
          tokenType: tokens.token_type,
          token: tokens.access_token,
          calls: [[viaFetch.status, await viaFetch.json()], [viaKy.status, await viaKy.json()]],
        };
      })(${JSON.stringify(args)})`)) as {
        jkt: string;
        statuses: number[];
        tokenType: string;
        token: string;
        calls: unknown[];
      };
      expect(outcome.statuses).toEqual([400, 200]); // use_dpop_nonce, then the token
      expect(outcome.tokenType).toBe('DPoP');
      expect(outcome.calls).toEqual([
        [200, { sub: 'alice', jkt: outcome.jkt, body: 'one' }],
        [200, { sub: 'alice', jkt: outcome.jkt, body: '' }],
      ]);
      // The token copied out of the page is worth nothing without the page's key.
      const thief = await createDpop({ store: memoryDpopStore() });
      const url = `${orders.url}/orders`;
      const stolen = await fetch(url, {
        headers: {
          authorization: `DPoP ${outcome.token}`,
          dpop: await thief.proof({ method: 'GET', url, accessToken: outcome.token }),
        },
      });
      expect(await stolen.json()).toEqual({ code: 'ERR_DPOP_INVALID', claim: 'cnf' });
      const replayed = await fetch(url, {
        headers: { authorization: `DPoP ${outcome.token}`, dpop: orders.calls[1]!.dpop! },
      });
      expect(await replayed.json()).toEqual({ code: 'ERR_DPOP_INVALID', claim: 'jti' });
    } finally {
      await browser.close();
      await Promise.all([provider.stop(), orders.stop()]);
    }
  }, 60_000);
});
