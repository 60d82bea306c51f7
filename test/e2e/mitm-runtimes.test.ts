import { calculateJwkThumbprint, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { KeyServer } from '../helpers/key-server.js';
import { MitmProxy } from '../helpers/mitm-proxy.js';
import { startWorker, type RunningWorker } from '../helpers/workerd.js';

// The MITM scenarios of test/e2e/mitm.test.ts in Cloudflare's workerd, against the built dist/:
// a pinned jwks (with a kvStore entry planted) and a signedJwks, both through the proxy.
describe('workerd: a MITM between a Worker and its issuer', () => {
  const issuer = new KeyServer();
  const proxy = new MitmProxy(() => issuer.url);
  let worker: RunningWorker;
  let k1: TestKey;
  let evil: TestKey;
  let anchor: TestKey;
  let evilAnchor: TestKey;

  beforeAll(async () => {
    await Promise.all([issuer.start(), proxy.start()]);
    [k1, evil, anchor, evilAnchor] = await Promise.all([
      makeKey('k1'),
      makeKey('k1'),
      makeKey('anchor'),
      makeKey('anchor'),
    ]);
    worker = await startWorker('test/runtimes/mitm-worker.mjs', 'mitm');
  }, 60_000);
  afterAll(async () => {
    worker?.stop();
    await Promise.all([issuer.stop(), proxy.stop()]);
  });

  const signedSet = (by: TestKey, keys: TestKey[], iat: number) =>
    new SignJWT({ keys: keys.map((k) => k.publicJwk), iss: ISSUER, iat })
      .setProtectedHeader({ alg: 'RS256', kid: by.kid, typ: 'jwk-set+jwt' })
      .sign(by.privateKey);

  it('refuses swapped, planted, re-signed and replayed key sets; the held set keeps serving', async () => {
    const now = Math.floor(Date.now() / 1000);
    const idp = 'http://idp.test';
    issuer.json('/jwks', { keys: [k1.publicJwk] });
    const older = await signedSet(anchor, [evil], now - 3600);
    issuer.routes.set('/signed', {
      body: await signedSet(anchor, [k1], now),
      type: 'application/jwk-set+jwt',
    });
    const tokens = { genuine: await sign(k1), forged: await sign(evil, { sub: 'admin' }) };
    const base = {
      idp,
      proxy: proxy.url,
      pins: [await calculateJwkThumbprint(k1.publicJwk, 'sha256')],
      anchors: { keys: [anchor.publicJwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
      tokens,
    };
    const planted = {
      id: `jwks:${idp}/jwks`,
      entry: {
        v: 1,
        keys: [evil.publicJwk],
        refused: {},
        fetchedAt: Date.now(),
        freshUntil: Date.now() + 3_600_000,
      },
    };
    const call = async (extra: Record<string, unknown>) =>
      (
        await fetch(worker.url, { method: 'POST', body: JSON.stringify({ ...base, ...extra }) })
      ).json();

    const first = await call({ plant: planted });
    expect(first).toEqual({
      unpinned: expect.stringMatching(/^TypeError: jwks\(\): http:\/\/idp.test is plain http/),
      outcome: {
        'pinned genuine': 'OK user-1',
        'pinned forged': 'ERR_SIGNATURE_INVALID',
        'signed genuine': 'OK user-1',
        'signed forged': 'ERR_SIGNATURE_INVALID',
      },
    });
    const resigned = await signedSet(evilAnchor, [evil], now + 60);
    for (const body of [resigned, older]) {
      proxy.rewrite = ({ path }) =>
        path === '/jwks'
          ? { body: JSON.stringify({ keys: [evil.publicJwk] }) }
          : path === '/signed'
            ? { body }
            : undefined;
      const seen = proxy.seen.length;
      const after = await call({ advance: 11_000 }); // stale: both refetch through the proxy
      expect(proxy.seen.length).toBe(seen + 2);
      expect(after.outcome).toEqual(first.outcome);
    }
  }, 60_000);
});
